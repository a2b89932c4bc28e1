package io.imageflowcanvas.argo.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imageflowcanvas.argo.model.events.Sensor;
import io.imageflowcanvas.argo.model.events.TriggerParameter;
import io.imageflowcanvas.argo.model.events.TriggerParameterSource;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two ways MinIO reports a new object write its key differently: the listen API (Argo Events' MinIO
 * EventSource) raw, a notification target (Kafka) query-escaped with the raw key in a top-level {@code Key}. Each
 * sensor must hand the workflow the raw key, which is what the functions read. The target payload is MinIO's own
 * documented sample; the listen payload is its record wrapped as Argo Events delivers it.
 */
class SensorKeyEncodingTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** MinIO's documented notification-target payload (docs/bucket/notifications, NSQ section). */
    private static final String TARGET_SAMPLE = """
            {"EventName":"s3:ObjectCreated:Put","Key":"images/gopher.jpg","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2018-10-31T09:31:11Z","eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"21EJ9HYV110O8NVX2VMS"},"requestParameters":{"sourceIPAddress":"10.1.1.1"},"responseElements":{"x-amz-request-id":"1562A792DAA53426","x-minio-origin-endpoint":"http://10.0.3.1:9000"},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"images","ownerIdentity":{"principalId":"21EJ9HYV110O8NVX2VMS"},"arn":"arn:aws:s3:::images"},"object":{"key":"gopher.jpg","size":162023,"eTag":"5337769ffa594e742408ad3f30713cd7","contentType":"image/jpeg","userMetadata":{"content-type":"image/jpeg"},"versionId":"1","sequencer":"1562A792DAA53426"}},"source":{"host":"","port":"","userAgent":"MinIO (linux; amd64) minio-go/v6.0.8 mc/DEVELOPMENT.GOGET"}}]}
            """;
    private static final String RAW_KEY = "cams/front door/a+b 100%.jpg";
    private static final String ESCAPED_KEY = "cams%2Ffront+door%2Fa%2Bb+100%25.jpg";

    private static List<TriggerParameterSource> uploadParameters(Sensor sensor) {
        return sensor.getSpec().getTriggers().stream()
                .filter(t -> t.getTemplate().getName().equals("run-on-upload")).findFirst().orElseThrow()
                .getTemplate().getArgoWorkflow().getParameters().stream().map(TriggerParameter::getSrc).toList();
    }

    /** gjson's plain paths as Argo Events reads a dataKey: dot-separated names, numbers index arrays. */
    private static JsonNode dataKey(JsonNode data, String path) {
        JsonNode node = data;
        for (String part : path.split("\\.")) {
            node = node.isArray() ? node.path(Integer.parseInt(part)) : node.path(part);
        }
        return node;
    }

    @Test
    void listenApiKeysArePassedOnAsTheyCome() throws Exception {
        // An empty topic selects the listen API.
        Sensor sensor = new PipelineCompiler(ClusterSettings.from(Map.of(ClusterSettings.BUCKET_EVENTS_TOPIC, "")))
                .sensor(Pipelines.diamond());
        ObjectNode record = (ObjectNode) JSON.readTree(TARGET_SAMPLE).at("/Records/0").deepCopy();
        ((ObjectNode) record.at("/s3/bucket")).put("name", "inbox");
        ((ObjectNode) record.at("/s3/object")).put("key", RAW_KEY);
        JsonNode event = JSON.createObjectNode().set("notification", JSON.createArrayNode().add(record));

        List<TriggerParameterSource> parameters = uploadParameters(sensor);
        assertThat(parameters).allSatisfy(p -> assertThat(p.getDataTemplate()).isNull());
        assertThat(dataKey(event, parameters.get(0).getDataKey()).asText()).isEqualTo("inbox");
        assertThat(dataKey(event, parameters.get(1).getDataKey()).asText()).isEqualTo(RAW_KEY);
        assertThat(dataKey(event, parameters.get(2).getDataKey()).asText())
                .isEqualTo("5337769ffa594e742408ad3f30713cd7");
    }

    @Test
    void notificationTargetKeysAreTakenUnescapedFromTheTopLevelKey() throws Exception {
        // The default: MinIO's notification target on Kafka, as infra/k3s configures it.
        PipelineCompiler compiler = new PipelineCompiler(ClusterSettings.defaults());
        // The sample as MinIO writes it for RAW_KEY in bucket inbox: escaped in the record, raw in Key.
        ObjectNode body = (ObjectNode) JSON.readTree(TARGET_SAMPLE);
        body.put("Key", "inbox/" + RAW_KEY);
        ((ObjectNode) body.at("/Records/0/s3/bucket")).put("name", "inbox");
        ((ObjectNode) body.at("/Records/0/s3/object")).put("key", ESCAPED_KEY);
        JsonNode event = JSON.createObjectNode().put("topic", "minio-events").set("body", body);

        Sensor sensor = compiler.sensor(Pipelines.of("""
                {"pipelineId": "cams", "name": "Cams", "version": "1",
                 "trigger": {"bucket": "inbox", "prefix": "cams/", "suffix": ".jpg"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}
                """));
        List<TriggerParameterSource> parameters = uploadParameters(sensor);
        assertThat(dataKey(event, parameters.get(0).getDataKey()).asText()).isEqualTo("inbox");
        assertThat(dataKey(event, parameters.get(2).getDataKey()).asText())
                .isEqualTo("5337769ffa594e742408ad3f30713cd7");
        // The key comes from Key, cut after "<bucket>/": never from the escaped record key.
        assertThat(parameters.get(1).getDataKey()).isNull();
        assertThat(parameters.get(1).getDataTemplate()).isEqualTo(PipelineCompiler.TARGET_KEY_TEMPLATE)
                .contains(".Input.body.Key", "trimPrefix", "(index .Input.body.Records 0).s3.bucket.name");
        String bucket = dataKey(event, "body.Records.0.s3.bucket.name").asText();
        assertThat(event.at("/body/Key").asText().substring(bucket.length() + 1)).isEqualTo(RAW_KEY);
        assertThat(java.net.URLDecoder.decode(ESCAPED_KEY, java.nio.charset.StandardCharsets.UTF_8))
                .as("the record key is the query-escaped form of the same key").isEqualTo(RAW_KEY);

        // The filter keeps this trigger's bucket, prefix and suffix (other buckets share the topic).
        String pattern = sensor.getSpec().getDependencies().getFirst().getFilters().getData().getFirst().getValue()
                .getFirst();
        assertThat(Pattern.compile(pattern).matcher("inbox/" + RAW_KEY).find()).isTrue();
        assertThat(Pattern.compile(pattern).matcher("images/gopher.jpg").find()).isFalse();
        assertThat(Pattern.compile(pattern).matcher("inbox/cams/a.png").find()).isFalse();
        assertThat(Pattern.compile(pattern).matcher("inboxes/cams/a.jpg").find()).isFalse();
        assertThat(Pattern.compile(pattern).matcher("inbox/other/cams/a.jpg").find()).isFalse();
        assertThat(PipelineCompiler.targetKeyPattern(new io.imageflowcanvas.pipeline.PipelineDefinition.Trigger(
                "in.box", "a+(b)/", "[1].jpg", null))).isEqualTo("^in\\.box/a\\+\\(b\\)/.*\\[1\\]\\.jpg$");
    }

    /**
     * No Sensor takes camera events: with {@code jsonBody} Argo Events rejects a record that is not JSON (an image
     * frame in binary mode, v1.9.11 pkg/eventsources/sources/kafka/start.go:467-483), and a Workflow's parameters
     * cannot carry an image either. The cluster server stores frames and submits their runs (ClusterCameras).
     */
    @Test
    void cameraEventsAreTheClusterServersAndItsRunsAreNamedAfterTheirObject() {
        PipelineCompiler compiler = new PipelineCompiler(ClusterSettings.defaults());
        ClusterManifests manifests = compiler.compile(Pipelines.defaultPipeline());
        assertThat(manifests.objects()).extracting(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
                .containsExactly("WorkflowTemplate/imageflow-default", "EventSource/imageflow-default-bucket-events",
                        "Sensor/imageflow-default");
        assertThat(compiler.sensor(Pipelines.defaultPipeline()).getSpec().getTriggers())
                .extracting(t -> t.getTemplate().getName()).containsExactly("run-on-upload");
        JsonNode template = manifests.objects().getFirst();
        assertThat(template.at("/metadata/annotations").path(PipelineCompiler.CAMERA_TOPIC_ANNOTATION).asText())
                .isEqualTo("camera-uploads");
        assertThat(template.at("/metadata/annotations").path(PipelineCompiler.LANDING_BUCKET_ANNOTATION).asText())
                .isEqualTo("raw");

        // A pipeline triggered by its own topic: its template alone, saying where its frames go.
        ValidatedPipeline gate = Pipelines.of("""
                {"pipelineId": "gate", "name": "Gate", "version": "1", "trigger": {"kafkaTopic": "gate-cams"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""");
        ClusterManifests alone = compiler.compile(gate).validate();
        assertThat(alone.objects()).extracting(o -> o.path("kind").asText()).containsExactly("WorkflowTemplate");
        assertThat(alone.objects().getFirst().at("/metadata/annotations").path(
                PipelineCompiler.CAMERA_TOPIC_ANNOTATION).asText()).isEqualTo("gate-cams");

        // A run is named after its object's version: the same object twice, one name; another version, another.
        String name = PipelineCompiler.run("gate", "raw", "cameras/gate/1.jpg", "e1").getMetadata().getName();
        assertThat(name).matches("gate-[0-9a-f]{10}")
                .isEqualTo(PipelineCompiler.run("gate", "raw", "cameras/gate/1.jpg", "e1").getMetadata().getName())
                .isNotEqualTo(PipelineCompiler.run("gate", "raw", "cameras/gate/1.jpg", "e2").getMetadata().getName());
        assertThat(PipelineCompiler.run("gate", "raw", "k", "e").getSpec().getWorkflowTemplateRef().getName())
                .isEqualTo("imageflow-gate");
    }
}
