package io.imageflowcanvas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.local.kafka.EmbeddedKafka;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.testing.Await;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.S3TestServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camera events on a cluster, against a real broker and S3 server and fabric8's Kubernetes mock server: frames are
 * stored as the local runner stores them and their runs submitted once, named after the stored object; a frame
 * landing where its pipeline's bucket trigger looks is left to the bucket's notification; bad events are refused.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCamerasTests {

    private static final ResourceDefinitionContext WORKFLOWS = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Workflow").withPlural("workflows")
            .withNamespaced(true).build();

    KubernetesMockServer server;
    KubernetesClient kubernetes;

    private static ProducerRecord<String, byte[]> frame(String topic, String id, byte[] image) {
        return KafkaMessageFactory.<String>createWriter(topic, "gate").writeBinary(CloudEventBuilder.v1().withId(id)
                .withSource(URI.create("/cameras/gate")).withType(PipelineEvents.CAMERA_FRAME_TYPE)
                .withData("image/jpeg", image).build());
    }

    private static List<String> keys(S3TestServer s3, String bucket) {
        try {
            return s3.keys(bucket);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<GenericKubernetesResource> workflows(String pipelineId) {
        return kubernetes.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow")
                .withLabel("imageflowcanvas.io/pipeline", pipelineId).list().getItems();
    }

    @Test
    void framesAreStoredAndRunOnceAndBadEventsRefused(@TempDir Path logs) throws Exception {
        PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());
        ClusterClient cluster = new ClusterClient(kubernetes, settings -> {
            throw new IllegalStateException("no buckets are prepared here");
        });
        ClusterSettings settings = ClusterSettings.defaults();
        for (String definition : List.of("""
                {"pipelineId": "gate", "name": "Gate", "version": "1", "trigger": {"kafkaTopic": "gate-cams"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""", """
                {"pipelineId": "shots", "name": "Shots", "version": "1", "trigger": {"bucket": "uploads"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""")) {
            cluster.apply(ClusterManifests.forPipeline(validator.validate(PipelineDefinitions.parse(definition)),
                    settings, false));
        }
        byte[] photo = Photos.bytes("horses.jpg");
        List<String> refused = new CopyOnWriteArrayList<>();
        try (S3TestServer s3 = S3TestServer.start("raw", "uploads");
                EmbeddedKafka broker = EmbeddedKafka.start(logs, "127.0.0.1", 0);
                KafkaProducer<String, byte[]> cameras = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer());
                ClusterCameras ingress = new ClusterCameras(cluster, "imageflow", broker.bootstrapServers(), null,
                        s3.client(), (topic, partition, offset, reason) -> refused.add(reason), 1)) {
            Await.until("both pipelines' topics read", Duration.ofSeconds(30),
                    () -> ingress.reading().equals(List.of("gate", "shots")));

            // A frame of the topic-triggered pipeline: stored in raw as on one machine, its run submitted.
            cameras.send(frame("gate-cams", "f1", photo)).get();
            Await.until("the first frame's run", Duration.ofSeconds(60), () -> workflows("gate").size() == 1);
            assertThat(s3.get("raw", "cameras/cameras_gate/f1.jpg")).isEqualTo(photo);
            GenericKubernetesResource run = workflows("gate").getFirst();
            assertThat(run.getMetadata().getName()).matches("gate-[0-9a-f]{10}");
            String arguments = kubernetes.getKubernetesSerialization().asJson(run);
            assertThat(arguments).contains("\"workflowTemplateRef\":{\"name\":\"imageflow-gate\"}",
                    "\"value\":\"cameras/cameras_gate/f1.jpg\"", "\"value\":\"" + s3.eTag("raw",
                            "cameras/cameras_gate/f1.jpg") + "\"");

            // The same event again (a redelivery), then another frame: one more run, not two. Both have the same
            // record key, so one partition: the redelivery was handled before the second frame's run exists.
            cameras.send(frame("gate-cams", "f1", photo)).get();
            cameras.send(frame("gate-cams", "f2", photo)).get();
            Await.until("the second frame's run", Duration.ofSeconds(60),
                    () -> keys(s3, "raw").contains("cameras/cameras_gate/f2.jpg") && workflows("gate").size() >= 2);
            assertThat(workflows("gate")).hasSize(2);

            // A frame for the bucket-triggered pipeline lands in its trigger bucket: the notification runs it.
            cameras.send(frame("camera-uploads", "u1", photo)).get();
            Await.until("the frame in uploads", Duration.ofSeconds(60),
                    () -> keys(s3, "uploads").contains("cameras/cameras_gate/u1.jpg"));
            // A reference to an object elsewhere is run here; a record that is no CloudEvent is refused.
            cameras.send(KafkaMessageFactory.<String>createWriter("camera-uploads", "gate").writeBinary(
                    CloudEventBuilder.v1().withId("r1").withSource(URI.create("/cameras/gate"))
                            .withType(PipelineEvents.CAMERA_FRAME_TYPE).withData("application/json",
                                    "{\"bucket\": \"raw\", \"key\": \"cameras/cameras_gate/f1.jpg\"}".getBytes())
                            .build())).get();
            cameras.send(new ProducerRecord<>("camera-uploads", "junk", "not a CloudEvent".getBytes())).get();
            Await.until("the reference's run and the refusal", Duration.ofSeconds(60),
                    () -> workflows("shots").size() == 1 && refused.size() == 1);
            assertThat(kubernetes.getKubernetesSerialization().asJson(workflows("shots").getFirst()))
                    .contains("\"value\":\"raw\"", "\"value\":\"cameras/cameras_gate/f1.jpg\"");
            assertThat(refused.getFirst()).contains("not a CloudEvent");

            // Undeployed: its topic is no longer read.
            kubernetes.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
                    .withVersion("v1alpha1").withKind("WorkflowTemplate").withPlural("workflowtemplates")
                    .withNamespaced(true).build()).inNamespace("imageflow").withName("imageflow-gate").delete();
            Await.until("gate's topic let go", Duration.ofSeconds(30),
                    () -> ingress.reading().equals(List.of("shots")));
        }
    }
}
