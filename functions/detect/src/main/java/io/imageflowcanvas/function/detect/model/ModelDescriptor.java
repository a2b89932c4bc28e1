package io.imageflowcanvas.function.detect.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the detect function needs to know about a model, read from {@code <name>.model.json} beside the model file:
 *
 * <pre>{@code
 * {"name": "centernet", "file": "centernet.onnx",
 *  "input": {"width": 512, "height": 512, "layout": "NHWC", "colorOrder": "RGB", "scale": 1.0,
 *            "resize": "stretch"},
 *  "output": {"format": "end2end"},
 *  "classAgnosticNms": true,
 *  "classes": ["person", "bicycle", ...]}
 * }</pre>
 *
 * {@code layout} is NHWC or NCHW; {@code colorOrder} RGB or BGR; pixels are multiplied by {@code scale} (1/255 for
 * most YOLO exports); {@code resize} is {@code stretch} or {@code letterbox}. {@code output.format} is
 * {@code yolov8} (one output [1, 4 + classes, N]: centre, size, class scores) or {@code end2end} ([1, N, 6] rows
 * x1, y1, x2, y2, score, class in input pixels).
 */
public record ModelDescriptor(String name, Path file, int inputWidth, int inputHeight, boolean channelsLast,
        boolean rgb, float scale, boolean letterbox, OutputFormat outputFormat, boolean classAgnosticNms,
        List<String> classes) {

    public enum OutputFormat { YOLOV8, END2END }

    public static final String SUFFIX = ".model.json";

    /** Reads and checks a descriptor; every problem names the file and the field. */
    public static ModelDescriptor read(Path descriptor) throws IOException {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readString(descriptor));
        } catch (JacksonException e) {
            throw new IOException(descriptor + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        String name = text(root, "name", descriptor);
        Path file = descriptor.resolveSibling(text(root, "file", descriptor));
        JsonNode input = required(root, "input", descriptor);
        JsonNode output = required(root, "output", descriptor);
        String layout = input.path("layout").asString("NCHW").toUpperCase(Locale.ROOT);
        String colours = input.path("colorOrder").asString("RGB").toUpperCase(Locale.ROOT);
        String resize = input.path("resize").asString("letterbox").toLowerCase(Locale.ROOT);
        String format = text(output, "format", descriptor).toUpperCase(Locale.ROOT).replace("-", "");
        if (!List.of("NHWC", "NCHW").contains(layout) || !List.of("RGB", "BGR").contains(colours)
                || !List.of("stretch", "letterbox").contains(resize)
                || !List.of("YOLOV8", "END2END").contains(format)) {
            throw new IOException(descriptor + ": input.layout must be NHWC or NCHW, input.colorOrder RGB or BGR,"
                    + " input.resize stretch or letterbox, output.format yolov8 or end2end");
        }
        List<String> classes = root.path("classes").valueStream().map(JsonNode::asString).toList();
        int width = input.path("width").asInt(0);
        int height = input.path("height").asInt(0);
        if (width <= 0 || height <= 0 || classes.isEmpty()) {
            throw new IOException(descriptor + ": input.width, input.height and classes are required");
        }
        return new ModelDescriptor(name, file, width, height, layout.equals("NHWC"), colours.equals("RGB"),
                (float) input.path("scale").asDouble(1.0), resize.equals("letterbox"), OutputFormat.valueOf(format),
                root.path("classAgnosticNms").asBoolean(false), classes);
    }

    private static JsonNode required(JsonNode node, String field, Path descriptor) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IOException(descriptor + ": field '" + field + "' is required");
        }
        return value;
    }

    private static String text(JsonNode node, String field, Path descriptor) throws IOException {
        return required(node, field, descriptor).asString();
    }
}
