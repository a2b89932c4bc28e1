package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the local runner, read from the environment; the functions' and S3 server's own settings are
 * {@link LocalSettings}.
 *
 * @param pipelineFile {@value #PIPELINE}: a pipeline definition to run instead of the built-in default
 * @param pollEvery {@value #POLL_MILLIS} (default 200): how often the trigger bucket is checked for new keys
 * @param reconcileEvery {@value #RECONCILE_SECONDS} (default 60): how often every object is checked for a run
 * @param maxRuns {@value #MAX_RUNS} (default 4): runs in flight at once; more wait
 * @param apiPort {@value #API_PORT} (default {@value #DEFAULT_API_PORT}): the runner's HTTP API on
 *     loopback, which {@code imageflow runs} and {@code imageflow watch} read
 * @param kafka {@value #KAFKA}: bootstrap servers of an existing Kafka; unset, a broker runs in-process
 * @param kafkaPort {@value #KAFKA_PORT} (default 9092): the in-process broker's port on the runner's host
 * @param progressTopic {@value #PROGRESS_TOPIC} (default {@value #DEFAULT_PROGRESS_TOPIC}): where run and step
 *     state changes are published as CloudEvents
 * @param cameraTopic {@value #CAMERA_TOPIC} (default {@value #DEFAULT_CAMERA_TOPIC}): camera CloudEvents to run
 * @param historyUrl {@value #HISTORY_URL}: a {@code jdbc:postgresql://host:port/database} URL for the run history;
 *     unset, an embedded database under the data folder
 * @param historyUser {@value #HISTORY_USER} (default {@value #DEFAULT_HISTORY_USER}) and
 * @param historyPassword {@value #HISTORY_PASSWORD}: the login for {@code historyUrl}
 * @param lease {@value #LEASE_SECONDS} (default 30): how long a run stays this runner's without a renewal
 *     (renewed every third of it); a run whose runner died is taken over by another runner on the same history
 *     once its lease has run out
 * @param autoRetry {@value #AUTO_RETRY_SECONDS} (default 0: off): how long after a run failed only on faults of
 *     the world (a store or function away past the step's retries) it is run once more by itself
 * @param defaultRetention {@value #RETENTION} (default unset: forever): what the deployed pipelines that set no
 *     {@code retention} of their own keep, as {@code inputs=30d,outputs=90d,runs=30d} (any of the three)
 * @param retentionSweepEvery {@value #RETENTION_SWEEP_MINUTES} (default 60): how often what deployed pipelines keep
 *     no longer (their {@code retention}) is deleted
 * @param clusterDeploys {@value #CLUSTER_DEPLOYS} (default false): whether the API may deploy to the cluster of
 *     the current kube context ({@code true} to allow). Off by default: such a deploy spends the user's kube
 *     credentials, so a request alone must not be enough; {@code imageflow apply} needs no such switch
 */
public record RunnerSettings(LocalSettings functions, Path pipelineFile, Duration pollEvery,
        Duration reconcileEvery, int maxRuns, int apiPort, String kafka, int kafkaPort, String progressTopic,
        String cameraTopic, String historyUrl, String historyUser, String historyPassword, Duration lease,
        Duration autoRetry, boolean clusterDeploys, ValidatedPipeline.Retention defaultRetention,
        Duration retentionSweepEvery) {

    public static final String PIPELINE = "IMAGEFLOW_PIPELINE";
    public static final String POLL_MILLIS = "IMAGEFLOW_POLL_MILLIS";
    public static final String RECONCILE_SECONDS = "IMAGEFLOW_RECONCILE_SECONDS";
    public static final String MAX_RUNS = "IMAGEFLOW_MAX_RUNS";
    public static final String API_PORT = "IMAGEFLOW_API_PORT";
    public static final int DEFAULT_API_PORT = 8090;
    public static final String KAFKA = "IMAGEFLOW_KAFKA";
    public static final String KAFKA_PORT = "IMAGEFLOW_KAFKA_PORT";
    public static final String PROGRESS_TOPIC = "IMAGEFLOW_PROGRESS_TOPIC";
    public static final String DEFAULT_PROGRESS_TOPIC = PipelineEvents.PROGRESS_TOPIC;
    public static final String CAMERA_TOPIC = "IMAGEFLOW_CAMERA_TOPIC";
    public static final String DEFAULT_CAMERA_TOPIC = PipelineEvents.CAMERA_TOPIC;
    public static final String HISTORY_URL = "IMAGEFLOW_HISTORY_URL";
    public static final String HISTORY_USER = "IMAGEFLOW_HISTORY_USER";
    public static final String DEFAULT_HISTORY_USER = "imageflow";
    public static final String HISTORY_PASSWORD = "IMAGEFLOW_HISTORY_PASSWORD";
    public static final String LEASE_SECONDS = "IMAGEFLOW_LEASE_SECONDS";
    public static final String AUTO_RETRY_SECONDS = "IMAGEFLOW_AUTO_RETRY_SECONDS";
    public static final String CLUSTER_DEPLOYS = "IMAGEFLOW_ALLOW_CLUSTER_DEPLOYS";
    public static final String RETENTION = "IMAGEFLOW_RETENTION";
    public static final String RETENTION_SWEEP_MINUTES = "IMAGEFLOW_RETENTION_SWEEP_MINUTES";

    public static RunnerSettings from(Map<String, String> env) {
        return new RunnerSettings(LocalSettings.from(env),
                env.containsKey(PIPELINE) ? Path.of(env.get(PIPELINE)) : null,
                Duration.ofMillis(positive(env, POLL_MILLIS, 200)),
                Duration.ofSeconds(positive(env, RECONCILE_SECONDS, 60)), positive(env, MAX_RUNS, 4),
                zeroOrPositive(env, API_PORT, DEFAULT_API_PORT), env.get(KAFKA),
                zeroOrPositive(env, KAFKA_PORT, 9092),
                env.getOrDefault(PROGRESS_TOPIC, DEFAULT_PROGRESS_TOPIC),
                env.getOrDefault(CAMERA_TOPIC, DEFAULT_CAMERA_TOPIC), env.get(HISTORY_URL),
                env.getOrDefault(HISTORY_USER, DEFAULT_HISTORY_USER), env.getOrDefault(HISTORY_PASSWORD, ""),
                Duration.ofSeconds(positive(env, LEASE_SECONDS, 30)),
                Duration.ofSeconds(zeroOrPositive(env, AUTO_RETRY_SECONDS, 0)),
                flag(env, CLUSTER_DEPLOYS), retention(env.get(RETENTION)),
                Duration.ofMinutes(positive(env, RETENTION_SWEEP_MINUTES, 60)));
    }

    /** {@code inputs=30d,outputs=90d,runs=30d}, any of them; unset or empty, forever. */
    static ValidatedPipeline.Retention retention(String value) {
        if (value == null || value.isBlank()) {
            return ValidatedPipeline.Retention.FOREVER;
        }
        Map<String, String> ages = new java.util.HashMap<>();
        for (String part : value.split(",")) {
            String[] pair = part.split("=", 2);
            String what = pair[0].trim();
            if (pair.length != 2 || !List.of("inputs", "outputs", "runs").contains(what)
                    || ages.put(what, pair[1].trim()) != null) {
                throw new IllegalArgumentException(RETENTION + "=" + value + " must be like inputs=30d,outputs=90d,"
                        + "runs=30d (each of inputs, outputs and runs at most once)");
            }
        }
        try {
            return PipelineValidator.retention(new PipelineDefinition.Retention(ages.get("inputs"),
                    ages.get("outputs"), ages.get("runs")));
        } catch (PipelineValidationException e) {
            throw new IllegalArgumentException(RETENTION + ": " + e.getMessage(), e);
        }
    }

    private static boolean flag(Map<String, String> env, String key) {
        String value = env.getOrDefault(key, "false").trim();
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(key + "=" + value + " must be true or false");
    }

    /** 0 or a positive number: for a port, 0 picks a free one (tests); for the auto retry, 0 is off. */
    private static int zeroOrPositive(Map<String, String> env, String key, int fallback) {
        return "0".equals(env.get(key)) ? 0 : positive(env, key, fallback);
    }

    private static int positive(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + value + " must be a positive whole number");
    }
}
