package io.imageflowcanvas.modelconverter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts the CenterNet (MobileNetV3, 80 COCO classes) TF.js graph model shipped in the npm package
 * {@code @vladmandic/human} into {@code centernet.onnx} plus the descriptor the detect function reads beside it.
 *
 * <p>Usage: {@code ConvertTfjsModel <folder with centernet.json and centernet.bin> <output folder>}. Run by the
 * build (see functions/detect/model/prepare-model.sh); the result is cached, never committed.
 */
public final class ConvertTfjsModel {

    static final List<String> COCO_CLASSES = List.of("person", "bicycle", "car", "motorcycle", "airplane", "bus",
            "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird",
            "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
            "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
            "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork",
            "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog",
            "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
            "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
            "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush");

    private ConvertTfjsModel() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path target = Files.createDirectories(Path.of(args[1]));
        TfjsModel model = TfjsModel.read(source.resolve("centernet.json"));
        byte[] onnx = TfjsToOnnx.convert(model, "tower_0/images", "images", new long[] {1, 512, 512, 3},
                "tower_0/detections", "detections", new long[] {1, 100, 6},
                Map.of("source", "npm @vladmandic/human 3.3.6 models/centernet.json, converted by ImageFlowCanvas"));
        Path onnxFile = target.resolve("centernet.onnx");
        Files.write(onnxFile, onnx);
        Files.writeString(target.resolve("centernet.model.json"), descriptor());
        System.out.println("wrote " + onnxFile + " (" + onnx.length + " bytes) and its descriptor");
    }

    static String descriptor() {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("name", "centernet");
        descriptor.put("file", "centernet.onnx");
        descriptor.put("description", "CenterNet with a MobileNetV3 backbone, 80 COCO classes, converted from the"
                + " TF.js graph in the npm package @vladmandic/human 3.3.6 (package MIT; the upstream weights carry"
                + " no license of their own: mount your own model in production)");
        descriptor.put("input", Map.of("name", "images", "width", 512, "height", 512, "layout", "NHWC",
                "colorOrder", "RGB", "scale", 1.0, "resize", "stretch"));
        descriptor.put("output", Map.of("name", "detections", "format", "end2end"));
        descriptor.put("classAgnosticNms", true);
        descriptor.put("classes", COCO_CLASSES);
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(descriptor);
    }
}
