package io.imageflowcanvas.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the CLI's AOT cache, made by the build (src/build/aot-cache.sh) and used by the launcher:
 * the short commands people run most, in one JVM, their output dropped. Their classes are then loaded and linked from
 * the cache at the next start instead of from their jars. Nothing here needs a runner or an S3 server: {@code runs}
 * and {@code put} are aimed at a port nothing listens on, which loads what they load before they fail, and at a
 * loopback HTTP server that answers as a runner and an S3 server do when all goes well (a list of one run; 200 with
 * an eTag), which loads what reading those answers takes (50 ms of {@code runs}' JSON alone were not in the cache).
 */
public final class CacheTraining {

    private CacheTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Files.createTempDirectory("imageflow-cli-training-");
        Path pipeline = folder.resolve("pipeline.json");
        try (InputStream definition = CacheTraining.class.getResourceAsStream(
                "/io/imageflowcanvas/pipeline/default-pipeline.json")) {
            Files.write(pipeline, definition.readAllBytes());
        }
        Path photo = folder.resolve("photo.jpg");
        Files.write(photo, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpServer answering = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answering.createContext("/", CacheTraining::answer);
        answering.start();
        String answeringPort = String.valueOf(answering.getAddress().getPort());
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        String[][] commands = {
            {"--help"},
            {"validate", pipeline.toString()},
            {"validate", "--help"},
            {"runs", "--api-port", String.valueOf(closedPort)},
            {"runs", "--api-port", answeringPort},
            {"put", "--endpoint", "http://127.0.0.1:" + closedPort, photo.toString()},
            {"put", "--endpoint", "http://127.0.0.1:" + answeringPort, photo.toString()},
        };
        for (String[] command : commands) {
            int code = Imageflow.run(nowhere, nowhere, command);
            System.err.println("training: imageflow " + String.join(" ", command) + " -> " + code);
        }
        answering.stop(0);
        Files.delete(pipeline);
        Files.delete(photo);
        Files.delete(folder);
        // As Imageflow#main: the S3 client's idle threads would hold the JVM (and the cache) for a minute.
        System.exit(0);
    }

    /** What a runner answers to a list of runs, and an S3 server to an upload. */
    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = new byte[0];
        if (exchange.getRequestURI().getPath().equals("/api/runs")) {
            body = """
                    [{"runId": "default-0123456789abcdef", "status": "SUCCEEDED",
                      "startedAt": "2026-01-01T00:00:00Z", "bucket": "raw", "key": "photo.jpg"}]"""
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
        } else {
            exchange.getResponseHeaders().set("ETag", "\"0123456789abcdef0123456789abcdef\"");
        }
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
