package io.imageflowcanvas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.PodmanContainer;
import io.imageflowcanvas.testing.RecordingS3;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster canvas's image under podman (non-root, read-only root file system), talking to fabric8's Kubernetes
 * mock server and a real S3 server on the host's loopback as it would to the cluster's API server and MinIO: it
 * starts, refuses the API without its token, deploys a saved pipeline (its trigger bucket set to notify) and makes a
 * thumbnail with OpenCV.
 */
@EnableKubernetesMockClient(crud = true)
class CanvasImageIT {

    private static final String TOKEN = "image-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    KubernetesMockServer server;
    KubernetesClient kubernetes;

    @Test
    void theImageServesTheCanvasDeploysAndMakesThumbnails(@TempDir Path data) throws Exception {
        // The image's user (65532) keeps saved pipelines on this volume.
        java.nio.file.Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions
                .fromString("rwxrwxrwx"));
        // MinIO's part S3Proxy lacks (bucket notifications) is kept by the recording proxy in front of it.
        try (RecordingS3 minio = RecordingS3.start("raw", "processed");
                PodmanContainer canvas = PodmanContainer.run(PodmanContainer.load(PodmanContainer.imageTar()),
                        Map.ofEntries(Map.entry("IMAGEFLOW_API_ADDRESS", "0.0.0.0"),
                                Map.entry(ClusterCanvas.TOKEN, TOKEN), Map.entry(ClusterCanvas.DATA, "/data"),
                                Map.entry(ClusterCanvas.ACCESS_KEY, S3TestServer.ACCESS_KEY),
                                Map.entry(ClusterCanvas.SECRET_KEY, S3TestServer.SECRET_KEY),
                                Map.entry(ClusterSettings.MINIO_ENDPOINT, minio.endpoint()),
                                // fabric8 reads the cluster's address from these where no kube config is given.
                                Map.entry("KUBERNETES_MASTER", server.url("/")),
                                Map.entry("KUBERNETES_TRUST_CERTIFICATES", "true"),
                                Map.entry("KUBERNETES_AUTH_TRYKUBECONFIG", "false"),
                                Map.entry("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false")),
                        Map.of(), Map.of(data, "/data"), null)) {
            S3TestServer s3 = minio.backend();
            awaitHealthy(canvas);
            assertThat(send(canvas, "GET", "/", null, false).statusCode()).isEqualTo(200);
            assertThat(send(canvas, "GET", "/api/runs", null, false).statusCode()).isEqualTo(401);
            assertThat(send(canvas, "GET", "/api/runs", null, true).statusCode()).isEqualTo(200);

            String pipeline = """
                    {"pipelineId": "thumbs", "name": "Thumbs", "version": "1", "trigger": {"bucket": "raw"},
                     "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""";
            assertThat(send(canvas, "PUT", "/api/pipelines/thumbs", pipeline, true).statusCode()).isEqualTo(201);
            HttpResponse<String> deployed = send(canvas, "POST", "/api/deployments", "{\"pipelineId\": \"thumbs\"}",
                    true);
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            assertThat(kubernetes.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                    .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Sensor").withPlural("sensors")
                    .withNamespaced(true).build()).inNamespace("imageflow").withName("imageflow-thumbs").get())
                    .isNotNull();
            // Deploying had the trigger bucket notify MinIO's Kafka target.
            assertThat(minio.notification("raw")).contains("<Queue>arn:minio:sqs::PRIMARY:kafka</Queue>");

            s3.put("raw", "dog.jpg", Photos.bytes("dog.jpg"));
            HttpResponse<byte[]> thumbnail = HTTP.send(request(canvas, "GET",
                    "/api/objects/thumbnail?bucket=raw&key=dog.jpg&size=100", null, true),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(thumbnail.statusCode()).as(canvas.logs()).isEqualTo(200);
            var info = ImageProbe.probe(thumbnail.body(), ImageLimits.defaults());
            assertThat(Math.max(info.width(), info.height())).isEqualTo(100);
            assertThat(new ObjectMapper().readTree(send(canvas, "GET", "/api/pipelines/thumbs", null, true).body())
                    .at("/definition/version").asText()).as("saved on the mounted volume").isEqualTo("1");
        }
    }

    private static void awaitHealthy(PodmanContainer canvas) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (send(canvas, "GET", "/api/health", null, false).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the canvas image did not come up:\n" + canvas.logs());
    }

    private static HttpRequest request(PodmanContainer canvas, String method, String path, String body,
            boolean token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + canvas.port() + path))
                .timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (token) {
            request.header("authorization", "Bearer " + TOKEN);
        }
        return request.build();
    }

    private static HttpResponse<String> send(PodmanContainer canvas, String method, String path, String body,
            boolean token) throws Exception {
        try {
            return HTTP.send(request(canvas, method, path, body, token), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException(method + " " + path + " got no answer; the canvas logged:\n" + canvas.logs(), e);
        }
    }
}
