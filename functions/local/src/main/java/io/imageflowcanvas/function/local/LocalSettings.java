package io.imageflowcanvas.function.local;

import io.imageflowcanvas.contract.FunctionCatalog;
import io.imageflowcanvas.imaging.storage.S3Client;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the local functions, read from the environment. Each key is listed once here with its default.
 *
 * @param host {@value #HOST} (default {@value #DEFAULT_HOST}): the loopback address every server binds to
 * @param s3Port {@value #S3_PORT} (default 9000): the in-process S3 server
 * @param functionPorts each function's port, by name: {@code IMAGEFLOW_<NAME>_PORT} ({@link #portVariable}), else
 *     {@value #FUNCTION_PORTS} when set ({@code 0}: any free port, as for two runners on one machine), else the
 *     function's {@code localPort} in the component registry (resize 8081, filter 8082, detect 8083)
 * @param modelDirectory {@value #MODELS} (default {@code .cache/models} of the installation, where the build
 *     converts the CenterNet model, whatever folder the runner is started from): the detect function's models
 * @param dataDirectory {@value #DATA} (default {@code imageflow-data}): the S3 server keeps objects in its
 *     {@code s3/} folder, the runner its run history in {@code history/}
 * @param accessKey {@value #ACCESS_KEY} (default {@value #DEFAULT_CREDENTIAL}, MinIO's well-known local login)
 * @param secretKey {@value #SECRET_KEY} (default {@value #DEFAULT_CREDENTIAL})
 * @param externalS3 {@value #ENDPOINT}: an existing MinIO or other S3 server ({@code http://host:9000}) to use
 *     instead of the in-process one; {@code s3Port} and the {@code s3/} folder are then unused
 */
public record LocalSettings(String host, int s3Port, Map<String, Integer> functionPorts, Path dataDirectory, Path modelDirectory, String accessKey, String secretKey, String externalS3) {

    public static final String HOST = "IMAGEFLOW_HOST";
    public static final String S3_PORT = "IMAGEFLOW_S3_PORT";
    public static final String FUNCTION_PORTS = "IMAGEFLOW_FUNCTION_PORTS";
    public static final String MODELS = "IMAGEFLOW_DETECT_MODEL_DIR";
    public static final String DATA = "IMAGEFLOW_DATA";
    public static final String ACCESS_KEY = S3Client.ACCESS_KEY;
    public static final String SECRET_KEY = S3Client.SECRET_KEY;
    public static final String ENDPOINT = "MINIO_ENDPOINT";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_CREDENTIAL = S3Client.DEFAULT_CREDENTIAL;

    public static LocalSettings from(Map<String, String> env) {
        Map<String, Integer> functionPorts = new LinkedHashMap<>();
        for (FunctionCatalog.Function function : FunctionCatalog.builtIn()) {
            int fallback = port(env, FUNCTION_PORTS, function.localPort());
            functionPorts.put(function.name(), port(env, portVariable(function.name()), fallback));
        }
        return new LocalSettings(env.getOrDefault(HOST, DEFAULT_HOST), port(env, S3_PORT, 9000),
                Map.copyOf(functionPorts), Path.of(env.getOrDefault(DATA, "imageflow-data")),
                env.containsKey(MODELS) ? Path.of(env.get(MODELS)) : Installation.models(env),
                env.getOrDefault(ACCESS_KEY, DEFAULT_CREDENTIAL), env.getOrDefault(SECRET_KEY, DEFAULT_CREDENTIAL),
                endpoint(env.get(ENDPOINT)));
    }

    /**
     * Loopback only: the functions and the Kafka broker take requests from anyone who reaches them, and the runner
     * calls its functions on loopback, so another address would expose them and break every step.
     */
    public LocalSettings {
        if (!isLoopback(host)) {
            throw new IllegalArgumentException(HOST + "=" + host + " is not a loopback address: the local runner's"
                    + " functions, S3 server and Kafka broker listen without a token of their own, so they bind to"
                    + " loopback only (127.0.0.1, ::1 or localhost). To serve other machines, install the cluster"
                    + " (infra/k3s), whose canvas requires its token");
        }
    }

    /** The setting of one function's port: {@code IMAGEFLOW_RESIZE_PORT} for resize. */
    public static String portVariable(String function) {
        return "IMAGEFLOW_" + function.toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT";
    }

    private static String endpoint(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(value.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return value.trim().replaceAll("/+$", "");
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(ENDPOINT + "=" + value + " is not an http(s)://host[:port] URL");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(HOST + "=" + host + " does not resolve to an address", e);
        }
    }

    private static int port(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + value + " is not a port number (0..65535)");
    }
}
