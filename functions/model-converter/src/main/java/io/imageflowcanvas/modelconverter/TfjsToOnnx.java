package io.imageflowcanvas.modelconverter;

import io.imageflowcanvas.modelconverter.TfjsModel.Constant;
import io.imageflowcanvas.modelconverter.TfjsModel.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a TensorFlow.js graph model into ONNX, op by op. TensorFlow keeps images NHWC; ONNX convolutions and
 * pools are NCHW, so each of those is wrapped in a pair of transposes (ONNX Runtime's optimiser cancels adjacent
 * ones) and every other op keeps TensorFlow's layout and axes. An op outside the supported set stops the conversion
 * with its name, so a new model fails loudly instead of converting wrongly.
 */
final class TfjsToOnnx {

    private static final long[] TO_NCHW = {0, 3, 1, 2};
    private static final long[] TO_NHWC = {0, 2, 3, 1};

    private final TfjsModel model;
    private final OnnxGraph graph = new OnnxGraph();
    private final Set<String> emittedConstants = new HashSet<>();

    private TfjsToOnnx(TfjsModel model) {
        this.model = model;
    }

    /**
     * Converts {@code model}; {@code input} and {@code output} name the TF.js tensors that become the ONNX graph's
     * {@code inputName} and {@code outputName}.
     */
    static byte[] convert(TfjsModel model, String input, String inputName, long[] inputShape, String output,
            String outputName, long[] outputShape, Map<String, String> metadata) {
        TfjsToOnnx converter = new TfjsToOnnx(model);
        for (Node node : model.nodes()) {
            if (node.name().equals(input)) {
                converter.graph.input(inputName, OnnxGraph.FLOAT, inputShape);
                converter.graph.node("Identity", List.of(inputName), node.name());
            } else {
                converter.translate(node);
            }
        }
        converter.graph.node("Identity", List.of(output), outputName);
        converter.graph.output(outputName, OnnxGraph.FLOAT, outputShape);
        metadata.forEach(converter.graph::metadata);
        return converter.graph.toModelBytes("converted-from-tfjs", "imageflowcanvas tfjs-to-onnx");
    }

    private void translate(Node node) {
        String out = node.name();
        switch (node.op()) {
            case "Const", "Placeholder" -> {
                // constants become initializers when used; the one input is declared by convert()
            }
            case "_FusedConv2D", "Conv2D" -> convolution(node, false);
            case "FusedDepthwiseConv2dNative", "DepthwiseConv2dNative" -> convolution(node, true);
            case "Relu" -> graph.node("Relu", List.of(in(node, 0)), out);
            case "Relu6" -> graph.node("Clip", List.of(in(node, 0), scalar(0f), scalar(6f)), out);
            case "Sigmoid" -> graph.node("Sigmoid", List.of(in(node, 0)), out);
            case "Add", "AddV2", "BiasAdd" -> graph.node("Add", List.of(in(node, 0), in(node, 1)), out);
            case "Mul" -> graph.node("Mul", List.of(in(node, 0), in(node, 1)), out);
            case "Sub" -> graph.node("Sub", List.of(in(node, 0), in(node, 1)), out);
            case "Equal" -> graph.node("Equal", List.of(in(node, 0), in(node, 1)), out);
            case "Identity" -> graph.node("Identity", List.of(in(node, 0)), out);
            case "Mean" -> graph.node("ReduceMean", List.of(in(node, 0)), List.of(out),
                    Map.of("axes", longs(constant(node, 1)), "keepdims", node.bool("keep_dims") ? 1L : 0L));
            case "ConcatV2" -> concat(node);
            case "Reshape" -> graph.node("Reshape", List.of(in(node, 0), int64(constant(node, 1))), out);
            case "ExpandDims" -> graph.node("Unsqueeze", List.of(in(node, 0), int64(constant(node, 1))), out);
            case "Cast" -> graph.node("Cast", List.of(in(node, 0)), List.of(out),
                    Map.of("to", (long) onnxType(node.attributes().get("DstT").get("type").asString())));
            case "FloorDiv" -> floorDiv(node);
            case "FloorMod" -> floorMod(node);
            case "TopKV2" -> topK(node);
            case "GatherV2" -> gather(node);
            case "StridedSlice" -> stridedSlice(node);
            case "ResizeBilinear" -> resizeBilinear(node);
            case "MaxPool" -> maxPool(node);
            default -> throw new UnsupportedOperationException("TF.js op " + node.op() + " (node " + node.name()
                    + ") is not supported by the converter");
        }
    }

    private void convolution(Node node, boolean depthwise) {
        requireNhwc(node);
        Constant filter = constant(node, 1);
        int kh = (int) filter.shape()[0];
        int kw = (int) filter.shape()[1];
        int cin = (int) filter.shape()[2];
        int cout = (int) filter.shape()[3];
        String weights = graph.fresh(node.name() + "/W");
        if (depthwise) {
            // TF [kh, kw, cin, multiplier] -> ONNX [cin * multiplier, 1, kh, kw], one group per input channel.
            graph.floatInitializer(weights, new long[] {(long) cin * cout, 1, kh, kw},
                    reorder(filter.floats(), kh, kw, cin, cout));
        } else {
            // TF [kh, kw, cin, cout] -> ONNX [cout, cin, kh, kw].
            graph.floatInitializer(weights, new long[] {cout, cin, kh, kw}, reorder(filter.floats(), kh, kw, cin,
                    cout));
        }
        List<String> fused = node.strings("fused_ops");
        List<String> inputs = new ArrayList<>(List.of(nchw(in(node, 0)), weights));
        if (!fused.isEmpty()) {
            if (!fused.getFirst().equals("BiasAdd") || fused.size() > 2 || node.integer("num_args") != 1) {
                throw new UnsupportedOperationException("fused ops " + fused + " of " + node.name());
            }
            inputs.add(in(node, 2));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("kernel_shape", new long[] {kh, kw});
        attributes.put("strides", spatial(node.integers("strides")));
        attributes.put("dilations", node.has("dilations") ? spatial(node.integers("dilations")) : new long[] {1, 1});
        attributes.put("auto_pad", autoPad(node));
        attributes.put("group", depthwise ? (long) cin : 1L);
        String convolved = graph.fresh(node.name() + "/conv");
        graph.node("Conv", inputs, List.of(convolved), attributes);
        String activated = convolved;
        if (fused.size() == 2) {
            activated = graph.fresh(node.name() + "/act");
            switch (fused.get(1)) {
                case "Relu" -> graph.node("Relu", List.of(convolved), activated);
                case "Relu6" -> graph.node("Clip", List.of(convolved, scalar(0f), scalar(6f)), activated);
                default -> throw new UnsupportedOperationException("fused activation " + fused.get(1) + " of "
                        + node.name());
            }
        }
        graph.node("Transpose", List.of(activated), List.of(node.name()), Map.of("perm", TO_NHWC));
    }

    /** Both layouts move the spatial axes first: for output channel o and input channel i (or i*mult+m). */
    private static float[] reorder(float[] tf, int kh, int kw, int cin, int cout) {
        float[] onnx = new float[tf.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < cin; i++) {
                    for (int o = 0; o < cout; o++) {
                        float value = tf[((y * kw + x) * cin + i) * cout + o];
                        onnx[((o * cin + i) * kh + y) * kw + x] = value;
                    }
                }
            }
        }
        return onnx;
    }

    private void maxPool(Node node) {
        requireNhwc(node);
        long[] ksize = node.integers("ksize");
        String pooled = graph.fresh(node.name() + "/pool");
        graph.node("MaxPool", List.of(nchw(in(node, 0))), List.of(pooled), Map.of(
                "kernel_shape", new long[] {ksize[1], ksize[2]},
                "strides", spatial(node.integers("strides")),
                "auto_pad", autoPad(node)));
        graph.node("Transpose", List.of(pooled), List.of(node.name()), Map.of("perm", TO_NHWC));
    }

    private void resizeBilinear(Node node) {
        Constant size = constant(node, 1);
        String x = in(node, 0);
        String shape = graph.fresh(node.name() + "/shape");
        graph.node("Shape", List.of(x), shape);
        String batch = slice(shape, 0, 1);
        String channels = slice(shape, 3, 4);
        String spatial = graph.fresh(node.name() + "/hw");
        graph.longInitializer(spatial, new long[] {2}, new long[] {size.intAt(0), size.intAt(1)});
        String sizes = graph.fresh(node.name() + "/sizes");
        graph.node("Concat", List.of(batch, channels, spatial), List.of(sizes), Map.of("axis", 0L));
        String mode = node.bool("align_corners") ? "align_corners"
                : node.bool("half_pixel_centers") ? "half_pixel" : "asymmetric";
        String resized = graph.fresh(node.name() + "/resized");
        graph.node("Resize", List.of(nchw(x), "", "", sizes), List.of(resized),
                Map.of("mode", "linear", "coordinate_transformation_mode", mode));
        graph.node("Transpose", List.of(resized), List.of(node.name()), Map.of("perm", TO_NHWC));
    }

    private String slice(String tensor, long start, long end) {
        String starts = graph.fresh("starts");
        String ends = graph.fresh("ends");
        graph.longInitializer(starts, new long[] {1}, new long[] {start});
        graph.longInitializer(ends, new long[] {1}, new long[] {end});
        String sliced = graph.fresh(tensor + "/slice");
        graph.node("Slice", List.of(tensor, starts, ends), sliced);
        return sliced;
    }

    private void concat(Node node) {
        int count = node.inputs().size() - 1;
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(in(node, i));
        }
        graph.node("Concat", inputs, List.of(node.name()), Map.of("axis", (long) constant(node, count).intAt(0)));
    }

    /** TF's floor division; the graphs seen divide non-negative indices, where truncation is the same. */
    private void floorDiv(Node node) {
        if (isInteger(node)) {
            graph.node("Div", List.of(in(node, 0), in(node, 1)), node.name());
        } else {
            String quotient = graph.fresh(node.name() + "/div");
            graph.node("Div", List.of(in(node, 0), in(node, 1)), quotient);
            graph.node("Floor", List.of(quotient), node.name());
        }
    }

    private void floorMod(Node node) {
        if (!isInteger(node)) {
            throw new UnsupportedOperationException("FloorMod on floats (node " + node.name() + ")");
        }
        // ONNX Mod with fmod=0 takes the divisor's sign, as TF's FloorMod does.
        graph.node("Mod", List.of(in(node, 0), in(node, 1)), List.of(node.name()), Map.of("fmod", 0L));
    }

    private void topK(Node node) {
        String k = graph.fresh(node.name() + "/k");
        graph.longInitializer(k, new long[] {1}, new long[] {constant(node, 1).intAt(0)});
        String indices = graph.fresh(node.name() + "/indices");
        graph.node("TopK", List.of(in(node, 0), k), List.of(node.name(), indices),
                Map.of("axis", -1L, "largest", 1L, "sorted", 1L));
        // TF returns int32 indices, ONNX int64: keep TF's type for the ops that follow.
        graph.node("Cast", List.of(indices), List.of(node.name() + ":1"), Map.of("to", (long) OnnxGraph.INT32));
    }

    private void gather(Node node) {
        if (node.integer("batch_dims") != 0) {
            throw new UnsupportedOperationException("GatherV2 with batch_dims (node " + node.name() + ")");
        }
        graph.node("Gather", List.of(in(node, 0), in(node, 1)), List.of(node.name()),
                Map.of("axis", (long) constant(node, 2).intAt(0)));
    }

    private void stridedSlice(Node node) {
        if (node.integer("ellipsis_mask") != 0 || node.integer("new_axis_mask") != 0) {
            throw new UnsupportedOperationException("StridedSlice with ellipsis or new axes (node " + node.name()
                    + ")");
        }
        Constant begin = constant(node, 1);
        Constant end = constant(node, 2);
        Constant strides = constant(node, 3);
        long beginMask = node.integer("begin_mask");
        long endMask = node.integer("end_mask");
        long shrinkMask = node.integer("shrink_axis_mask");
        int rank = begin.size();
        long[] starts = new long[rank];
        long[] ends = new long[rank];
        long[] axes = new long[rank];
        long[] steps = new long[rank];
        List<Long> squeezed = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            long step = strides.intAt(i);
            axes[i] = i;
            steps[i] = step;
            starts[i] = (beginMask >> i & 1) != 0 ? (step > 0 ? 0 : Long.MAX_VALUE) : begin.intAt(i);
            ends[i] = (endMask >> i & 1) != 0 ? (step > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : end.intAt(i);
            if ((shrinkMask >> i & 1) != 0) {
                ends[i] = begin.intAt(i) == -1 ? Long.MAX_VALUE : begin.intAt(i) + 1;
                steps[i] = 1;
                squeezed.add((long) i);
            }
        }
        List<String> inputs = List.of(in(node, 0), longs("starts", starts), longs("ends", ends), longs("axes", axes),
                longs("steps", steps));
        if (squeezed.isEmpty()) {
            graph.node("Slice", inputs, node.name());
        } else {
            String sliced = graph.fresh(node.name() + "/slice");
            graph.node("Slice", inputs, sliced);
            graph.node("Squeeze", List.of(sliced, longs("squeeze", squeezed.stream().mapToLong(Long::longValue)
                    .toArray())), node.name());
        }
    }

    private String longs(String base, long[] values) {
        String name = graph.fresh(base);
        graph.longInitializer(name, new long[] {values.length}, values);
        return name;
    }

    /** Transposes an NHWC tensor to NCHW. */
    private String nchw(String tensor) {
        String transposed = graph.fresh(tensor + "/nchw");
        graph.node("Transpose", List.of(tensor), List.of(transposed), Map.of("perm", TO_NCHW));
        return transposed;
    }

    /** Input {@code i} of {@code node} as an ONNX tensor name; constants become initializers on first use. */
    private String in(Node node, int i) {
        String ref = node.inputs().get(i);
        String name = ref.endsWith(":0") ? ref.substring(0, ref.length() - 2) : ref;
        Constant constant = model.constant(name);
        if (constant != null && emittedConstants.add(name)) {
            if (constant.isFloat()) {
                graph.floatInitializer(name, constant.shape(), constant.floats());
            } else {
                graph.intInitializer(name, constant.shape(), constant.ints());
            }
        }
        return name;
    }

    private Constant constant(Node node, int i) {
        Constant constant = model.constant(node.inputs().get(i));
        if (constant == null) {
            throw new UnsupportedOperationException("input " + i + " of " + node.name() + " (" + node.op()
                    + ") must be a constant, got " + node.inputs().get(i));
        }
        return constant;
    }

    private String int64(Constant constant) {
        long[] values = longs(constant);
        String name = graph.fresh("i64");
        graph.longInitializer(name, new long[] {values.length}, values);
        return name;
    }

    private static long[] longs(Constant constant) {
        long[] values = new long[constant.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = constant.intAt(i);
        }
        return values;
    }

    private String scalar(float value) {
        String name = graph.fresh("scalar");
        graph.floatInitializer(name, new long[0], new float[] {value});
        return name;
    }

    private static long[] spatial(long[] nhwc) {
        return new long[] {nhwc[1], nhwc[2]};
    }

    private static String autoPad(Node node) {
        String padding = node.string("padding");
        return switch (padding) {
            case "SAME" -> "SAME_UPPER";
            case "VALID" -> "VALID";
            default -> throw new UnsupportedOperationException("padding " + padding + " of " + node.name());
        };
    }

    private static void requireNhwc(Node node) {
        if (node.has("data_format") && !node.string("data_format").equals("NHWC")) {
            throw new UnsupportedOperationException("data format " + node.string("data_format") + " of "
                    + node.name());
        }
    }

    private static boolean isInteger(Node node) {
        return node.attributes().get("T").get("type").asString().equals("DT_INT32");
    }

    private static int onnxType(String tfType) {
        return switch (tfType) {
            case "DT_FLOAT" -> OnnxGraph.FLOAT;
            case "DT_INT32" -> OnnxGraph.INT32;
            case "DT_INT64" -> OnnxGraph.INT64;
            case "DT_BOOL" -> OnnxGraph.BOOL;
            default -> throw new UnsupportedOperationException("tensor type " + tfType);
        };
    }
}
