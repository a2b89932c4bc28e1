package io.imageflowcanvas.bench;

import io.imageflowcanvas.imaging.storage.S3Clients;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The S3 client every function, the runner and the CLI use ({@link S3Clients}: TCP_NODELAY) beside the MinIO SDK's
 * default client, on the same S3 server over loopback: put, stat and get of a step-sized output (12 KB, a 256-px
 * JPEG) and of a photo-sized one (400 KB), interleaved rounds, median milliseconds per call.
 *
 * <p>Usage: {@code S3ClientBench <calls per round>}.
 */
public final class S3ClientBench {

    private S3ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        try (S3TestServer server = S3TestServer.start("bench")) {
            MinioClient sdk = MinioClient.builder().endpoint(server.endpoint()).region("us-east-1")
                    .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build();
            MinioClient ours = S3Clients.create(server.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                    S3TestServer.SECRET_KEY);
            System.out.printf("S3 calls over loopback, %d per size, median ms per call%n", calls);
            System.out.printf("  %-6s %-5s %10s %10s %8s%n", "size", "call", "SDK", "ours", "ours/SDK");
            for (int size : new int[] {12_000, 400_000}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                // Warm both (JIT, connections), then alternate so both meet the same server state.
                run(sdk, data, 30, "warm-sdk");
                run(ours, data, 30, "warm-ours");
                double[][] sdkTimes = new double[3][calls];
                double[][] ourTimes = new double[3][calls];
                for (int i = 0; i < calls; i++) {
                    measure(sdk, data, "sdk-" + i, sdkTimes, i);
                    measure(ours, data, "ours-" + i, ourTimes, i);
                }
                String[] names = {"put", "stat", "get"};
                for (int c = 0; c < 3; c++) {
                    double a = median(sdkTimes[c]);
                    double b = median(ourTimes[c]);
                    System.out.printf("  %-6s %-5s %10.2f %10.2f %8.2f%n", size / 1000 + "KB", names[c], a, b, b / a);
                }
            }
        }
    }

    private static void run(MinioClient client, byte[] data, int count, String prefix) throws Exception {
        double[][] ignored = new double[3][count];
        for (int i = 0; i < count; i++) {
            measure(client, data, prefix + "-" + i, ignored, i);
        }
    }

    private static void measure(MinioClient client, byte[] data, String key, double[][] times, int index)
            throws Exception {
        long start = System.nanoTime();
        client.putObject(PutObjectArgs.builder().bucket("bench").object(key).data(data, data.length)
                .userMetadata(Map.of("identity", key)).build());
        long put = System.nanoTime();
        client.statObject(StatObjectArgs.builder().bucket("bench").object(key).build());
        long stat = System.nanoTime();
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("bench").object(key).build())) {
            in.readAllBytes();
        }
        long get = System.nanoTime();
        times[0][index] = (put - start) / 1e6;
        times[1][index] = (stat - put) / 1e6;
        times[2][index] = (get - stat) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
