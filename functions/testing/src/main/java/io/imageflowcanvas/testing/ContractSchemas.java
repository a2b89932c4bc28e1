package io.imageflowcanvas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The published JSON Schemas of the step contract, applied to what tests really send and receive. */
public final class ContractSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    public static final JsonSchema REQUEST = load("step-request.schema.json");
    public static final JsonSchema RESULT = load("step-result.schema.json");
    public static final JsonSchema PROBLEM = load("step-problem.schema.json");

    private ContractSchemas() {
    }

    private static JsonSchema load(String name) {
        try (InputStream in = ContractSchemas.class.getResourceAsStream("/schemas/" + name)) {
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code json} (any JSON text) is valid against {@code schema}. */
    public static void assertValid(JsonSchema schema, String json) {
        try {
            assertThat(schema.validate(JSON.readTree(json))).as(json).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
