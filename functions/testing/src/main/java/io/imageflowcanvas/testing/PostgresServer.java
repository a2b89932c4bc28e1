package io.imageflowcanvas.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from the machine's Debian packages ({@code .ci/setup} installs them): a fresh
 * cluster in a temporary folder, on a free loopback port, trusting local logins, removed on close. PostgreSQL
 * refuses to run as root, so under root its commands run as the {@code postgres} user the package creates.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "imageflow";

    private final Path binaries;
    private final Path cluster;
    private final int port;

    private PostgresServer(Path binaries, Path cluster, int port) {
        this.binaries = binaries;
        this.cluster = cluster;
        this.port = port;
    }

    public static PostgresServer start() throws Exception {
        Path binaries = findBinaries();
        Path cluster = Files.createTempDirectory("imageflow-postgres-");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", cluster.toString()), false);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PostgresServer server = new PostgresServer(binaries, cluster, port);
        run(List.of(binaries.resolve("initdb").toString(), "-D", cluster.resolve("data").toString(), "-U", USER,
                "-A", "trust", "-E", "UTF8", "--no-instructions"), root);
        server.startAgain();
        run(List.of(binaries.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                USER, "imageflow"), root);
        return server;
    }

    /** The newest server under /usr/lib/postgresql. */
    private static Path findBinaries() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> listing = Files.list(versions)) {
                var found = listing.map(v -> v.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString()
                                .replaceAll("\\D", "0"))));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: install the Debian package"
                + " postgresql (bash .ci/setup does)");
    }

    private static void run(List<String> command, boolean asPostgresUser) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
        }
    }

    /** Starts the server on its data and port (again, after {@link #stop}). */
    public void startAgain() throws Exception {
        run(List.of(binaries.resolve("pg_ctl").toString(), "-D", cluster.resolve("data").toString(), "-w", "-l",
                cluster.resolve("server.log").toString(), "-o", "-p " + port + " -k " + cluster
                        + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), asRoot());
    }

    /** Stops the server, its clients' connections cut (a restart's first half); the data stays. */
    public void stop() throws Exception {
        run(List.of(binaries.resolve("pg_ctl").toString(), "-D", cluster.resolve("data").toString(), "-w", "-m",
                "fast", "stop"), asRoot());
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/imageflow";
    }

    @Override
    public void close() throws Exception {
        try {
            // A server a test stopped already is left as it is.
            if (Files.exists(cluster.resolve("data/postmaster.pid"))) {
                stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(cluster)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
