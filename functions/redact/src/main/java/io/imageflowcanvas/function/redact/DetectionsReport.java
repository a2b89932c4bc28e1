package io.imageflowcanvas.function.redact;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A detect step's report as redact reads it: the size of the image detect ran on, the picture it was made from, and
 * each detection's class and box in that image's pixels.
 *
 * @param source the run's input the report is about; null in a report that does not say
 */
record DetectionsReport(int width, int height, ObjectRef source, List<Box> boxes) {

    static final String FIELD = "inputs.detections";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One detection: its class and box corners in the report's pixels. */
    record Box(String className, double x1, double y1, double x2, double y2) {
    }

    static DetectionsReport parse(byte[] data) {
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (JacksonException e) {
            throw refused("is not JSON: " + e.getOriginalMessage());
        }
        int width = root.path("width").asInt(0);
        int height = root.path("height").asInt(0);
        if (width <= 0 || height <= 0 || !root.path("detections").isArray()) {
            throw refused("is not a detections report: it needs width, height and detections, as a detect step"
                    + " writes them");
        }
        JsonNode source = root.path("source");
        ObjectRef origin = source.hasNonNull("bucket") && source.hasNonNull("key")
                ? ObjectRef.of(source.get("bucket").asString(), source.get("key").asString()) : null;
        List<Box> boxes = new ArrayList<>();
        for (JsonNode detection : root.path("detections")) {
            JsonNode box = detection.path("box");
            if (!box.path("x1").isNumber() || !box.path("y1").isNumber() || !box.path("x2").isNumber()
                    || !box.path("y2").isNumber()) {
                throw refused("has a detection without a box {x1, y1, x2, y2}");
            }
            boxes.add(new Box(detection.path("className").asString(""), box.get("x1").asDouble(),
                    box.get("y1").asDouble(), box.get("x2").asDouble(), box.get("y2").asDouble()));
        }
        return new DetectionsReport(width, height, origin, List.copyOf(boxes));
    }

    static InvalidInputException refused(String problem) {
        return InvalidInputException.request(FIELD, "the detections report " + problem);
    }
}
