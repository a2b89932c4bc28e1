package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.PipelineEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.kafka.ProgressPublisher;
import io.imageflowcanvas.testing.Await;
import io.imageflowcanvas.testing.Photos;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Progress CloudEvents on the in-process Kafka broker, read back with a plain Kafka consumer. */
class ProgressEventsTests {

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void publishesEveryRunAndStepChangeAsCloudEvents() throws Exception {
        Path folder = Files.createTempDirectory("imageflow-progress-");
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, folder.toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")))) {
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            byte[] photo = Photos.bytes("dog.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("progress/dog.jpg").data(photo, photo.length)
                    .contentType("image/jpeg").build());

            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.kafkaBootstrapServers());
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "progress-test");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
            JsonMapper json = JsonMapper.builder().build();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
                consumer.subscribe(List.of(RunnerSettings.DEFAULT_PROGRESS_TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                boolean finished = false;
                while (!finished && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        events.add(record);
                        JsonNode data = json.readTree(record.value());
                        finished |= data.get("stepId").isNull() && data.get("status").asString().equals("SUCCEEDED");
                    }
                }
                assertThat(finished).as("a run-finished event arrived").isTrue();
            }
            List<String> summary = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : events) {
                JsonNode data = json.readTree(record.value());
                assertThat(header(record, "ce_type")).isEqualTo(PipelineEvents.PROGRESS_TYPE);
                assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
                assertThat(header(record, "ce_id")).isNotBlank();
                assertThat(record.key()).isEqualTo(data.get("runId").asString());
                assertThat(data.get("timestamp").asString()).isNotBlank();
                summary.add((data.get("stepId").isNull() ? "run" : data.get("stepId").asString()) + " "
                        + data.get("status").asString());
            }
            assertThat(summary.getFirst()).isEqualTo("run RUNNING");
            assertThat(summary.getLast()).isEqualTo("run SUCCEEDED");
            assertThat(summary).contains("resize SUCCEEDED", "detect SUCCEEDED", "filter SUCCEEDED");
            assertThat(summary.indexOf("detect RUNNING")).isGreaterThan(summary.indexOf("resize SUCCEEDED"));
            // The run's duration, as the cluster's WorkflowTemplates export it, for Prometheus.
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + runner.apiPort()
                            + "/api/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("text/plain; version=0.0.4"));
            Await.until("the run's duration recorded", Duration.ofSeconds(10), () -> metricsText(runner).contains(
                    "imageflow_pipeline_execution_duration_seconds_count{pipeline=\"default\",status=\"Succeeded\"} 1"));
        }
    }

    private static String metricsText(LocalRunner runner) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + runner.apiPort() + "/api/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
