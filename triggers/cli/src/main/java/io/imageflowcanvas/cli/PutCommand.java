package io.imageflowcanvas.cli;

import io.imageflowcanvas.imaging.storage.S3Client;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code imageflow put FILE...|DIR}: uploads images into the trigger bucket, with a progress bar. A folder's files
 * keep their paths below it as keys; single files go by name.
 */
final class PutCommand extends Subcommand {

    final List<Path> paths = new ArrayList<>();
    String bucket;
    String prefix;
    String endpoint;

    @Override
    Syntax syntax() {
        return Syntax.command("put", "Upload images (files or folders) into the raw bucket.")
                .parameters("FILE|DIR", "images, or folders of images", value -> paths.add(Path.of(value)))
                .option("--bucket", "BUCKET", () -> "raw", "target bucket (default: raw)", value -> bucket = value)
                .option("--prefix", "PREFIX", () -> "", "key prefix, such as cameras/front/", value -> prefix = value)
                .option("--endpoint", "URL", Syntax.env("MINIO_ENDPOINT", "http://127.0.0.1:9000"),
                        "S3 endpoint (default: MINIO_ENDPOINT or http://127.0.0.1:9000)", value -> endpoint = value);
    }

    private record Upload(Path file, String key) {
    }

    @Override
    int call() throws Exception {
        List<Upload> uploads = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(Files::isRegularFile).sorted().forEach(f -> uploads.add(new Upload(f,
                            prefix + path.relativize(f).toString().replace('\\', '/'))));
                }
            } else if (Files.isRegularFile(path)) {
                uploads.add(new Upload(path, prefix + path.getFileName()));
            } else {
                err.println("imageflow: " + path + " is neither a file nor a folder");
                return ExitCodes.INVALID;
            }
        }
        String access = System.getenv().getOrDefault(S3Client.ACCESS_KEY, S3Client.DEFAULT_CREDENTIAL);
        String secret = System.getenv().getOrDefault(S3Client.SECRET_KEY, S3Client.DEFAULT_CREDENTIAL);
        S3Put store;
        try {
            store = new S3Put(endpoint, "us-east-1", access, secret);
        } catch (IllegalArgumentException e) {
            err.println("imageflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        long total = 0;
        for (Upload upload : uploads) {
            total += Files.size(upload.file());
        }
        long sent = 0;
        for (int i = 0; i < uploads.size(); i++) {
            Upload upload = uploads.get(i);
            try {
                store.put(bucket, upload.key(), upload.file());
            } catch (IllegalArgumentException e) {
                if (i > 0) {
                    // Ends the progress line of the files sent before.
                    out.println();
                }
                err.println("imageflow: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            sent += Files.size(upload.file());
            out.print("\r" + progress(i + 1, uploads.size(), sent, total) + " " + upload.key());
            out.flush();
        }
        out.println();
        out.printf("uploaded %d file(s), %.1f MB, to %s/%s%n", uploads.size(), sent / 1e6, endpoint, bucket);
        return ExitCodes.OK;
    }

    static String progress(int done, int count, long sent, long total) {
        int width = 30;
        int filled = total == 0 ? width : (int) (width * sent / total);
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + count;
    }
}
