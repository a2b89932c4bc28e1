package io.imageflowcanvas.bench;

import io.imageflowcanvas.imaging.http.PlainHttp;
import io.imageflowcanvas.imaging.storage.S3Client;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The project's two S3 clients beside the MinIO SDK's default client, on the same S3 server over loopback: the
 * runner's and the API's ({@link MinioClients}, the SDK on sockets with TCP_NODELAY) and the functions' and the
 * CLI's ({@link S3Client}, one signed request per connection). Put, stat and get of a step-sized output (12 KB, a
 * 256-px JPEG) and of a photo-sized one (400 KB), interleaved rounds, median milliseconds per call.
 *
 * <p>Usage: {@code S3ClientBench <calls per round>}.
 */
public final class S3ClientBench {

    private S3ClientBench() {
    }

    /** Put, stat and get of one object. */
    private interface Calls {
        void put(String key, byte[] data) throws Exception;

        void stat(String key) throws Exception;

        void get(String key) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        try (S3TestServer server = S3TestServer.start("bench")) {
            List<Calls> clients = List.of(
                    sdk(MinioClient.builder().endpoint(server.endpoint()).region("us-east-1")
                            .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build()),
                    sdk(MinioClients.create(server.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                            S3TestServer.SECRET_KEY)),
                    functions(new S3Client(server.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                            S3TestServer.SECRET_KEY)));
            System.out.printf("S3 calls over loopback, %d per size, median ms per call%n", calls);
            System.out.printf("  %-6s %-5s %10s %12s %10s %8s %8s%n", "size", "call", "SDK", "MinioClients",
                    "S3Client", "MC/SDK", "S3C/SDK");
            for (int size : new int[] {12_000, 400_000}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                double[][][] times = new double[clients.size()][3][calls];
                // Warm each (JIT, connections), then alternate so all meet the same server state.
                for (int c = 0; c < clients.size(); c++) {
                    for (int i = 0; i < 30; i++) {
                        measure(clients.get(c), data, "warm-" + c + "-" + i, new double[3][1], 0);
                    }
                }
                for (int i = 0; i < calls; i++) {
                    for (int c = 0; c < clients.size(); c++) {
                        measure(clients.get(c), data, "c" + c + "-" + i, times[c], i);
                    }
                }
                String[] names = {"put", "stat", "get"};
                for (int call = 0; call < 3; call++) {
                    double sdk = median(times[0][call]);
                    double runner = median(times[1][call]);
                    double functions = median(times[2][call]);
                    System.out.printf("  %-6s %-5s %10.2f %12.2f %10.2f %8.2f %8.2f%n", size / 1000 + "KB",
                            names[call], sdk, runner, functions, runner / sdk, functions / sdk);
                }
            }
        }
    }

    private static Calls sdk(MinioClient client) {
        return new Calls() {
            @Override
            public void put(String key, byte[] data) throws Exception {
                client.putObject(PutObjectArgs.builder().bucket("bench").object(key).data(data, data.length)
                        .userMetadata(Map.of("identity", key)).build());
            }

            @Override
            public void stat(String key) throws Exception {
                client.statObject(StatObjectArgs.builder().bucket("bench").object(key).build());
            }

            @Override
            public void get(String key) throws Exception {
                try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("bench").object(key)
                        .build())) {
                    in.readAllBytes();
                }
            }
        };
    }

    private static Calls functions(S3Client client) {
        return new Calls() {
            @Override
            public void put(String key, byte[] data) throws Exception {
                client.put("bench", key, PlainHttp.Body.of(data), "application/octet-stream",
                        Map.of("identity", key));
            }

            @Override
            public void stat(String key) throws Exception {
                client.head("bench", key, null).orElseThrow();
            }

            @Override
            public void get(String key) throws Exception {
                try (PlainHttp.Answer answer = client.get("bench", key, null, null)) {
                    answer.body().readAllBytes();
                }
            }
        };
    }

    private static void measure(Calls client, byte[] data, String key, double[][] times, int index)
            throws Exception {
        long start = System.nanoTime();
        client.put(key, data);
        long put = System.nanoTime();
        client.stat(key);
        long stat = System.nanoTime();
        client.get(key);
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
