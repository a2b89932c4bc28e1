package io.imageflowcanvas.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace endpoint on loopback that keeps what it is sent, standing where the OpenTelemetry Collector
 * stands in a cluster. The bodies are protobuf ExportTraceServiceRequests: trace ids are raw 16-byte fields and span
 * names UTF-8 strings in them, which is all the tests look for.
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                receiver.exports.add(exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
    }

    /** The URL to export spans to. */
    public String tracesEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /**
     * Waits until spans of the trace {@code traceIdHex} with each of {@code spanNames} have arrived (in one export
     * or several); false if they have not within {@code timeout}.
     */
    public boolean awaitSpans(String traceIdHex, List<String> spanNames, Duration timeout) throws InterruptedException {
        byte[] traceId = HexFormat.of().parseHex(traceIdHex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<byte[]> ofTrace = exports.stream().filter(body -> indexOf(body, traceId) >= 0).toList();
            if (spanNames.stream().allMatch(name -> ofTrace.stream()
                    .anyMatch(body -> indexOf(body, name.getBytes(StandardCharsets.UTF_8)) >= 0))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
