package io.imageflowcanvas.modelconverter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A TensorFlow.js graph model: {@code model.json} (the frozen graph's nodes and a weights manifest) plus its binary
 * weight shards. Weights quantised to float16 are widened back to float32.
 */
final class TfjsModel {

    /** One graph node; {@code inputs} are tensor references {@code name} or {@code name:k}, control inputs dropped. */
    record Node(String name, String op, List<String> inputs, JsonNode attributes) {

        boolean has(String attribute) {
            return attributes.has(attribute);
        }

        String string(String attribute) {
            return new String(Base64.getDecoder().decode(attributes.get(attribute).get("s").asString()),
                    StandardCharsets.UTF_8);
        }

        long integer(String attribute) {
            JsonNode value = attributes.get(attribute);
            return value == null ? 0 : Long.parseLong(value.get("i").asString());
        }

        boolean bool(String attribute) {
            JsonNode value = attributes.get(attribute);
            return value != null && value.get("b").asBoolean();
        }

        long[] integers(String attribute) {
            JsonNode list = attributes.get(attribute).get("list").get("i");
            long[] values = new long[list == null ? 0 : list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = Long.parseLong(list.get(i).asString());
            }
            return values;
        }

        List<String> strings(String attribute) {
            List<String> values = new ArrayList<>();
            JsonNode list = attributes.has(attribute) ? attributes.get(attribute).get("list").get("s") : null;
            if (list != null) {
                for (JsonNode item : list) {
                    values.add(new String(Base64.getDecoder().decode(item.asString()), StandardCharsets.UTF_8));
                }
            }
            return values;
        }

        long[] shape(String attribute) {
            JsonNode dims = attributes.get(attribute).get("shape").get("dim");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = Long.parseLong(dims.get(i).get("size").asString());
            }
            return shape;
        }
    }

    /** A constant: float32 or int32 values with their shape. */
    record Constant(long[] shape, float[] floats, int[] ints) {

        boolean isFloat() {
            return floats != null;
        }

        int intAt(int i) {
            return isFloat() ? (int) floats[i] : ints[i];
        }

        int size() {
            return isFloat() ? floats.length : ints.length;
        }
    }

    private final List<Node> nodes;
    private final Map<String, Constant> constants;

    private TfjsModel(List<Node> nodes, Map<String, Constant> constants) {
        this.nodes = nodes;
        this.constants = constants;
    }

    static TfjsModel read(Path modelJson) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(modelJson));
        List<Node> nodes = new ArrayList<>();
        for (JsonNode node : root.get("modelTopology").get("node")) {
            List<String> inputs = new ArrayList<>();
            if (node.has("input")) {
                for (JsonNode input : node.get("input")) {
                    if (!input.asString().startsWith("^")) {
                        inputs.add(input.asString());
                    }
                }
            }
            nodes.add(new Node(node.get("name").asString(), node.get("op").asString(), inputs,
                    node.has("attr") ? node.get("attr") : JsonMapper.builder().build().createObjectNode()));
        }
        return new TfjsModel(nodes, readWeights(root.get("weightsManifest"), modelJson.getParent()));
    }

    private static Map<String, Constant> readWeights(JsonNode manifest, Path directory) throws IOException {
        Map<String, Constant> constants = new LinkedHashMap<>();
        for (JsonNode group : manifest) {
            ByteArrayOutputStream shards = new ByteArrayOutputStream();
            for (JsonNode path : group.get("paths")) {
                shards.writeBytes(Files.readAllBytes(directory.resolve(path.asString())));
            }
            ByteBuffer data = ByteBuffer.wrap(shards.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode weight : group.get("weights")) {
                long[] shape = new long[weight.get("shape").size()];
                int count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = weight.get("shape").get(i).asLong();
                    count *= (int) shape[i];
                }
                String dtype = weight.get("dtype").asString();
                String stored = weight.has("quantization") ? weight.get("quantization").get("dtype").asString()
                        : dtype;
                constants.put(weight.get("name").asString(), read(data, dtype, stored, shape, count));
            }
            if (data.hasRemaining()) {
                throw new IOException("weights manifest does not cover the shard bytes: " + data.remaining()
                        + " left over");
            }
        }
        return constants;
    }

    private static Constant read(ByteBuffer data, String dtype, String stored, long[] shape, int count)
            throws IOException {
        switch (dtype + "/" + stored) {
            case "float32/float32" -> {
                float[] values = new float[count];
                data.asFloatBuffer().get(values);
                data.position(data.position() + count * 4);
                return new Constant(shape, values, null);
            }
            case "float32/float16" -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = Float.float16ToFloat(data.getShort());
                }
                return new Constant(shape, values, null);
            }
            case "int32/int32" -> {
                int[] values = new int[count];
                data.asIntBuffer().get(values);
                data.position(data.position() + count * 4);
                return new Constant(shape, null, values);
            }
            default -> throw new IOException("unsupported weight encoding " + dtype + " stored as " + stored);
        }
    }

    List<Node> nodes() {
        return nodes;
    }

    Constant constant(String name) {
        return constants.get(name);
    }
}
