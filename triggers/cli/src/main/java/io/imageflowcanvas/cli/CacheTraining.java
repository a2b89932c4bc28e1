package io.imageflowcanvas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the CLI's AOT cache, made by the build (src/build/aot-cache.sh) and used by the launcher:
 * the short commands people run most, in one JVM, their output dropped. Their classes are then loaded and linked from
 * the cache at the next start instead of from 300 jars. Nothing here needs a runner or an S3 server: {@code runs}
 * and {@code put} are aimed at a port nothing listens on, which loads what they load before they fail.
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
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        String[][] commands = {
            {"--help"},
            {"validate", pipeline.toString()},
            {"validate", "--help"},
            {"runs", "--api-port", String.valueOf(closedPort)},
            {"put", "--endpoint", "http://127.0.0.1:" + closedPort, photo.toString()},
        };
        for (String[] command : commands) {
            int code = Imageflow.run(nowhere, nowhere, command);
            System.err.println("training: imageflow " + String.join(" ", command) + " -> " + code);
        }
        Files.delete(pipeline);
        Files.delete(photo);
        Files.delete(folder);
        // As Imageflow#main: the S3 client's idle threads would hold the JVM (and the cache) for a minute.
        System.exit(0);
    }
}
