package io.imageflowcanvas.argo.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The vendored schemas are the upstream files their provenance table names, byte for byte. */
class UpstreamSchemasTests {

    private static final String FOLDER = "/io/imageflowcanvas/argo/upstream/";

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = UpstreamSchemasTests.class.getResourceAsStream(FOLDER + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** What {@code git hash-object} prints for these bytes. */
    private static String gitBlobId(byte[] content) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(content));
    }

    @Test
    void everyVendoredFileMatchesItsRecordedGitBlob() throws Exception {
        String table = new String(resource("UPSTREAM.md"), StandardCharsets.UTF_8);
        Matcher row = Pattern.compile("\\| `([^`]+\\.(?:json|yaml))` \\|[^\\n]*\\| `([0-9a-f]{40})` \\|").matcher(table);
        Map<String, String> recorded = new LinkedHashMap<>();
        while (row.find()) {
            recorded.put(row.group(1), row.group(2));
        }
        assertThat(recorded).containsOnlyKeys("argo-workflows.schema.json", "argo-events.schema.json",
                "knative-serving-service.crd.yaml", "knative-serving-config-features.yaml");
        for (Map.Entry<String, String> file : recorded.entrySet()) {
            assertThat(gitBlobId(resource(file.getKey()))).as(file.getKey()).isEqualTo(file.getValue());
        }
    }
}
