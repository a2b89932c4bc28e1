package io.imageflowcanvas.cli;

import io.imageflowcanvas.imaging.storage.S3Clients;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imageflow put FILE...|DIR}: uploads images into the trigger bucket, with a progress bar. A folder's files
 * keep their paths below it as keys; single files go by name.
 */
@Command(name = "put", description = "Upload images (files or folders) into the raw bucket.")
final class PutCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "images, or folders of images")
    List<Path> paths;

    @Option(names = "--bucket", defaultValue = "raw", description = "target bucket (default: ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--prefix", defaultValue = "", description = "key prefix, such as cameras/front/")
    String prefix;

    @Option(names = "--endpoint", defaultValue = "${env:MINIO_ENDPOINT:-http://127.0.0.1:9000}",
            description = "S3 endpoint (default: MINIO_ENDPOINT or ${DEFAULT-VALUE})")
    String endpoint;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private record Upload(Path file, String key) {
    }

    @Override
    public Integer call() throws Exception {
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
                spec.commandLine().getErr().println("imageflow: " + path + " is neither a file nor a folder");
                return ExitCodes.INVALID;
            }
        }
        String access = System.getenv().getOrDefault(S3Clients.ACCESS_KEY, S3Clients.DEFAULT_CREDENTIAL);
        String secret = System.getenv().getOrDefault(S3Clients.SECRET_KEY, S3Clients.DEFAULT_CREDENTIAL);
        MinioClient client = S3Clients.create(endpoint, "us-east-1", access, secret);
        long total = 0;
        for (Upload upload : uploads) {
            total += Files.size(upload.file());
        }
        PrintWriter out = spec.commandLine().getOut();
        long sent = 0;
        for (int i = 0; i < uploads.size(); i++) {
            Upload upload = uploads.get(i);
            client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(upload.key())
                    .filename(upload.file().toString()).build());
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
