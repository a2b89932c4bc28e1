package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.server.fakes.NoPipelines;
import io.imageflowcanvas.testing.Photos;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a web page of another site can do to the runner through the user's browser, sent as the browser would send
 * it (raw HTTP, so the Host and Origin headers are the page's): nothing. The runner runs with its defaults, as the
 * README's first command starts it.
 */
class BrowserAttackTests {

    private static final String EVIL = "https://evil.example";

    private static LocalRunner runner;
    private static MinioClient s3;

    @BeforeAll
    static void start() throws Exception {
        runner = LocalRunner.start(TestRunners.settings(Files.createTempDirectory("imageflow-attack-")));
        s3 = MinioClients.create(runner.functions().s3Endpoint(), "us-east-1", LocalSettings.DEFAULT_CREDENTIAL,
                LocalSettings.DEFAULT_CREDENTIAL);
    }

    @AfterAll
    static void stop() throws Exception {
        runner.close();
    }

    @Test
    void answersNoNameButLoopbacksOwnSoRebindingGetsNothing() throws Exception {
        for (String path : List.of("/api/pipelines", "/api/runs", "/")) {
            Raw rebound = send("GET", path, Map.of("Host", "rebind.attacker.example:" + runner.apiPort()), null);
            assertThat(rebound.status()).as(path).isEqualTo(403);
            assertThat(rebound.body()).as(path).contains("Host not allowed", "rebind.attacker.example");
        }
        Raw deploy = send("POST", "/api/deployments", Map.of("Host", "rebind.attacker.example",
                "Content-Type", "application/json"), "{\"pipelineId\": \"default\", \"target\": \"cluster\"}");
        assertThat(deploy.status()).isEqualTo(403);
        for (String name : List.of("127.0.0.1", "localhost", "LOCALHOST", "[::1]")) {
            assertThat(send("GET", "/api/health", Map.of("Host", name + ":" + runner.apiPort()), null).status())
                    .as(name).isEqualTo(200);
        }
        // Through an SSH tunnel the port differs; the name is still loopback's.
        assertThat(send("GET", "/api/health", Map.of("Host", "localhost:9999"), null).status()).isEqualTo(200);
        assertThat(send("GET", "/api/health", Map.of("Host", "127.0.0.1.attacker.example"), null).status())
                .isEqualTo(403);
    }

    @Test
    void refusesStateChangesFromOtherSitesPages() throws Exception {
        int runsBefore = runner.history().recent(1000).size();
        String upload = "/api/deployments/default/uploads?name=evil.jpg";
        // What the issue measured: a cross-site upload without a type answered 201 and started a run.
        Raw noType = send("POST", upload, Map.of("Origin", EVIL), Photos.bytes("dog.jpg"));
        assertThat(noType.status()).isEqualTo(403);
        assertThat(noType.body()).contains("Cross-origin request refused", EVIL);
        assertThat(send("POST", upload, Map.of("Origin", EVIL, "Content-Type", "image/jpeg"),
                Photos.bytes("dog.jpg")).status()).isEqualTo(403);
        assertThat(send("POST", upload, Map.of("Origin", "null", "Content-Type", "image/jpeg"),
                Photos.bytes("dog.jpg")).status()).isEqualTo(403);
        // The same host on another port is another origin.
        assertThat(send("POST", upload, Map.of("Origin", "http://127.0.0.1:1", "Content-Type", "image/jpeg"),
                Photos.bytes("dog.jpg")).status()).isEqualTo(403);
        assertThat(send("PUT", "/api/pipelines/evil", Map.of("Origin", EVIL, "Content-Type", "application/json"),
                "{}").status()).isEqualTo(403);
        assertThat(send("DELETE", "/api/deployments/default", Map.of("Origin", EVIL), null).status())
                .isEqualTo(403);
        assertThat(runner.deployed("default")).isPresent();
        assertThat(runner.history().recent(1000)).hasSize(runsBefore);
        assertThat(s3.listObjects(io.minio.ListObjectsArgs.builder().bucket("raw").build())).isEmpty();
    }

    @Test
    void refusesBodiesAPageCouldSendWithoutAPreflight() throws Exception {
        String own = "http://127.0.0.1:" + runner.apiPort();
        String definition = "{\"pipelineId\": \"default\"}";
        // text/plain is parsed as JSON nowhere; forms and no type neither.
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                null}) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Origin", own);
            if (type != null) {
                headers.put("Content-Type", type);
            }
            Raw deploy = send("POST", "/api/deployments", headers, definition);
            assertThat(deploy.status()).as(String.valueOf(type)).isEqualTo(415);
            assertThat(deploy.body()).contains("takes application/json");
            Raw upload = send("POST", "/api/deployments/default/uploads?name=plain.jpg", headers,
                    Photos.bytes("dog.jpg"));
            assertThat(upload.status()).as(String.valueOf(type)).isEqualTo(415);
        }
        // The canvas's own page (same origin, its types) is answered.
        Raw validated = send("POST", "/api/pipelines/validate", Map.of("Origin", own, "Content-Type",
                "application/json; charset=utf-8"), new String(PipelineDefinitions.class
                .getResourceAsStream("default-pipeline.json").readAllBytes(), StandardCharsets.UTF_8));
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        assertThat(s3.listObjects(io.minio.ListObjectsArgs.builder().bucket("raw").prefix("plain")
                .build())).isEmpty();
    }

    @Test
    void deploysToTheClusterOnlyWhenStartedToAllowIt() throws Exception {
        Raw deploy = send("POST", "/api/deployments", Map.of("Content-Type", "application/json"),
                "{\"pipelineId\": \"attack\", \"target\": \"cluster\", \"namespace\": \"default\"}");
        // Unsaved: 404 before anything else; saved, the cluster is still refused.
        assertThat(deploy.status()).isEqualTo(404);
        Raw saved = send("PUT", "/api/pipelines/attack", Map.of("Content-Type", "application/json"),
                new String(PipelineDefinitions.class.getResourceAsStream("default-pipeline.json").readAllBytes(),
                        StandardCharsets.UTF_8).replace("\"pipelineId\": \"default\"", "\"pipelineId\": \"attack\""));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
        Raw refused = send("POST", "/api/deployments", Map.of("Content-Type", "application/json"),
                "{\"pipelineId\": \"attack\", \"target\": \"cluster\", \"namespace\": \"default\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Cluster deploys are off", "IMAGEFLOW_ALLOW_CLUSTER_DEPLOYS=true",
                "imageflow apply");
    }

    @Test
    void forbidsFramingSniffingAndEmbeddingOfEveryAnswer() throws Exception {
        Raw page = send("GET", "/", Map.of(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(page.header("content-security-policy")).contains("frame-ancestors 'none'", "default-src 'self'",
                "object-src 'none'");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
        for (String path : List.of("/api/health", "/api/nothing-here")) {
            Raw api = send("GET", path, Map.of(), null);
            assertThat(api.header("x-frame-options")).as(path).isEqualTo("DENY");
            assertThat(api.header("x-content-type-options")).as(path).isEqualTo("nosniff");
            assertThat(api.header("cross-origin-resource-policy")).as(path).isEqualTo("same-origin");
            assertThat(api.header("content-security-policy")).as(path).contains("sandbox", "default-src 'none'");
        }
    }

    @Test
    void servesStoredObjectsAsWhatTheyAreNeverAsAPage() throws Exception {
        String html = "<html><script>fetch('/api/deployments', {method: 'POST'})</script></html>";
        String svg = "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        store("page.html", html.getBytes(StandardCharsets.UTF_8), "text/html");
        store("vector.svg", svg.getBytes(StandardCharsets.UTF_8), "image/svg+xml");
        store("photo.txt", Photos.bytes("dog.jpg"), "text/html");
        store("report.json", "{\"detections\": []}".getBytes(StandardCharsets.UTF_8), "text/html");
        for (String key : List.of("page.html", "vector.svg")) {
            Raw content = send("GET", "/api/objects/content?bucket=processed&key=stored/" + key, Map.of(), null);
            assertThat(content.status()).as(key).isEqualTo(200);
            assertThat(content.header("content-type")).as(key).isEqualTo("application/octet-stream");
            assertThat(content.header("content-disposition")).as(key).startsWith("attachment");
            assertThat(content.header("x-content-type-options")).isEqualTo("nosniff");
        }
        Raw photo = send("GET", "/api/objects/content?bucket=processed&key=stored/photo.txt", Map.of(), null);
        assertThat(photo.header("content-type")).isEqualTo("image/jpeg");
        assertThat(photo.bytes()).isEqualTo(Photos.bytes("dog.jpg"));
        Raw report = send("GET", "/api/objects/content?bucket=processed&key=stored/report.json", Map.of(), null);
        assertThat(report.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void answersMalformedPercentEncodingWith400() throws Exception {
        for (String path : List.of("/api/runs/%zz", "/api/objects?bucket=raw&key=a%2", "/api/pipelines/%E0%A4%A")) {
            assertThat(send("GET", path, Map.of(), null).status()).as(path).isEqualTo(400);
        }
    }

    @Test
    void tellsAnInternalErrorByIncidentNeverByItsText() throws Exception {
        RunSource failing = new RunSource() {
            @Override
            public List<?> recent(int limit) {
                throw new IllegalStateException("cannot read /home/someone/.kube/config with token s3cr3t");
            }

            @Override
            public Optional<Map<String, Object>> run(String runId) {
                return Optional.empty();
            }
        };
        Path folder = Files.createTempDirectory("imageflow-failing-");
        try (RunEvents events = new RunEvents(); ApiServer api = new ApiServer(0, new ApiServer.Backend(failing,
                ComponentRegistry.builtIn(), folder, Map.of(), new NoPipelines(), events, new ObjectAccess(s3, Set::of),
                () -> {
                    throw new IllegalStateException("no cluster");
                }))) {
            Raw answer = send(api.port(), "GET", "/api/runs", Map.of(), null);
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).contains("incident").doesNotContain("kube", "s3cr3t", "IllegalState");
        }
    }

    private static void store(String name, byte[] data, String type) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("processed").object("stored/" + name)
                .stream(new java.io.ByteArrayInputStream(data), (long) data.length, -1L).contentType(type).build());
    }

    /** An answer as the socket saw it: status, headers (lower-case names), body. */
    private record Raw(int status, Map<String, String> headers, byte[] bytes) {

        String header(String name) {
            return headers.get(name);
        }

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Raw send(String method, String path, Map<String, String> headers, Object body) throws Exception {
        return send(runner.apiPort(), method, path, headers, body);
    }

    /** One HTTP/1.1 request written by hand, so Host and Origin are exactly what a page's browser would send. */
    private static Raw send(int port, String method, String path, Map<String, String> headers, Object body)
            throws Exception {
        byte[] payload = body == null ? new byte[0] : body instanceof byte[] bytes ? bytes
                : ((String) body).getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("host"))) {
            request.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    private static Raw parse(InputStream in) throws Exception {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] pair = lines[i].split(":", 2);
            headers.put(pair[0].trim().toLowerCase(Locale.ROOT), pair[1].trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = at;
            while (chunked[lineEnd] != '\r') {
                lineEnd++;
            }
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
