package io.imageflowcanvas.modelconverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's pieces; the whole conversion is checked by the detect tests running the converted model. */
class TfjsToOnnxTests {

    @Test
    void writesProtobufWireFormat() {
        byte[] bytes = new Protobuf().varint(1, 300).float32(2, 1.0f).string(3, "hi").varint(4, -1).toByteArray();
        assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo("08ac02" + "150000803f" + "1a026869" + "20ffffffffffffffffff01");
    }

    @Test
    void namesTheOpItCannotConvert(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), """
                {"modelTopology": {"node": [
                  {"name": "x", "op": "Placeholder", "attr": {}},
                  {"name": "y", "op": "Softmax", "input": ["x"], "attr": {}}]},
                 "weightsManifest": [{"paths": [], "weights": []}]}
                """);
        TfjsModel model = TfjsModel.read(dir.resolve("model.json"));
        assertThatThrownBy(() -> TfjsToOnnx.convert(model, "x", "in", new long[] {1, 3}, "y", "out",
                new long[] {1, 3}, Map.of()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("TF.js op Softmax (node y) is not supported by the converter");
    }

    @Test
    void widensFloat16WeightsAndChecksShardLength(@TempDir Path dir) throws Exception {
        // Two float16 values: 1.0 (0x3c00) and -2.0 (0xc000), little-endian.
        Files.write(dir.resolve("w.bin"), new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0});
        Files.writeString(dir.resolve("model.json"), """
                {"modelTopology": {"node": []},
                 "weightsManifest": [{"paths": ["w.bin"], "weights": [{"name": "c", "shape": [2],
                   "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}}]}]}
                """);
        TfjsModel.Constant constant = TfjsModel.read(dir.resolve("model.json")).constant("c");
        assertThat(constant.floats()).containsExactly(1.0f, -2.0f);

        Files.write(dir.resolve("w.bin"), new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x00, 0x00});
        assertThatThrownBy(() -> TfjsModel.read(dir.resolve("model.json")))
                .hasMessageContaining("2 left over");
    }
}
