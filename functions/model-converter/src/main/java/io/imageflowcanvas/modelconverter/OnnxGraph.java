package io.imageflowcanvas.modelconverter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) and serialises it with the field
 * numbers of onnx.proto. Only what the converter emits: nodes with int, float, string and int-list attributes,
 * initializers as raw little-endian data, and graph inputs and outputs with static shapes.
 */
final class OnnxGraph {

    static final int OPSET = 13;
    static final int IR_VERSION = 7;
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int BOOL = 9;

    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private final List<Protobuf> inputs = new ArrayList<>();
    private final List<Protobuf> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    /** A fresh tensor name derived from {@code base}. */
    String fresh(String base) {
        return base + "__" + (counter++);
    }

    /** Adds a node; attribute values are Long, Float, String, long[] or float[]. */
    void node(String op, List<String> in, List<String> out, Map<String, Object> attributes) {
        Protobuf node = new Protobuf();
        for (String name : in) {
            node.string(1, name);
        }
        for (String name : out) {
            node.string(2, name);
        }
        node.string(3, out.getFirst());
        node.string(4, op);
        attributes.forEach((name, value) -> node.message(5, attribute(name, value)));
        nodes.add(node);
    }

    void node(String op, List<String> in, String out) {
        node(op, in, List.of(out), Map.of());
    }

    void floatInitializer(String name, long[] dims, float[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        initializer(name, FLOAT, dims, data.array());
    }

    void intInitializer(String name, long[] dims, int[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asIntBuffer().put(values);
        initializer(name, INT32, dims, data.array());
    }

    void longInitializer(String name, long[] dims, long[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        initializer(name, INT64, dims, data.array());
    }

    private void initializer(String name, int type, long[] dims, byte[] raw) {
        Protobuf tensor = new Protobuf();
        for (long dim : dims) {
            tensor.varint(1, dim);
        }
        tensor.varint(2, type).string(8, name).bytes(9, raw);
        initializers.add(tensor);
    }

    void input(String name, int type, long... shape) {
        inputs.add(valueInfo(name, type, shape));
    }

    void output(String name, int type, long... shape) {
        outputs.add(valueInfo(name, type, shape));
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    byte[] toModelBytes(String graphName, String producer) {
        Protobuf graph = new Protobuf();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        Protobuf model = new Protobuf().varint(1, IR_VERSION).string(2, producer)
                .message(7, graph).message(8, new Protobuf().string(1, "").varint(2, OPSET));
        metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    private static Protobuf valueInfo(String name, int type, long[] shape) {
        Protobuf dims = new Protobuf();
        for (long dim : shape) {
            dims.message(1, new Protobuf().varint(1, dim));
        }
        Protobuf tensorType = new Protobuf().varint(1, type).message(2, dims);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    /** AttributeProto: name (1), f (2), i (3), s (4), floats (7), ints (8), type (20). */
    private static Protobuf attribute(String name, Object value) {
        Protobuf attribute = new Protobuf().string(1, name);
        switch (value) {
            case Float f -> attribute.float32(2, f).varint(20, 1);
            case Long i -> attribute.varint(3, i).varint(20, 2);
            case Integer i -> attribute.varint(3, i).varint(20, 2);
            case String s -> attribute.string(4, s).varint(20, 3);
            case float[] floats -> {
                for (float f : floats) {
                    attribute.float32(7, f);
                }
                attribute.varint(20, 6);
            }
            case long[] ints -> {
                for (long i : ints) {
                    attribute.varint(8, i);
                }
                attribute.varint(20, 7);
            }
            default -> throw new IllegalArgumentException("unsupported attribute " + name + ": " + value);
        }
        return attribute;
    }
}
