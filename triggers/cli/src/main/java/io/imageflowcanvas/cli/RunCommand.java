package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code imageflow run PIPELINE BUCKET/KEY [--set step.param=value ...] [--watch]}: a deployed pipeline run now on
 * a stored object, some steps' parameters set otherwise (another run, written apart).
 */
final class RunCommand extends Subcommand {

    String pipelineId;
    String object;
    final List<String> settings = new ArrayList<>();
    String version;
    boolean watch;
    int timeoutSeconds;
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        return runner.declare(Syntax.command("run", "Run a pipeline deployed on the running local runner on an"
                + " object already stored, now; --set gives some steps other parameters (a run of its own, its outputs"
                + " under <key>/with-<digest>/).")
                .parameter("PIPELINE", "a deployed pipeline's id", value -> pipelineId = value)
                .parameter("BUCKET/KEY", "the object, such as raw/holiday/photo.jpg", value -> object = value)
                .repeatable("--set", "STEP.PARAM=VALUE", "a step's parameter for this run, such as resize.width=320"
                        + " (repeatable; numbers and true/false are taken as such; nothing after = takes the"
                        + " definition's value away)", settings::add)
                .option("--version", "VERSION", "the pipeline version the run must be of (the deployed one)",
                        value -> version = value)
                .flag("--watch", "follow the run until it ends; exit 0 if it succeeded, 1 if not", () -> watch = true)
                .option("--timeout", "SECONDS", () -> "600", "with --watch: give up after this many seconds",
                        value -> timeoutSeconds = Syntax.integer("--timeout", value)));
    }

    @Override
    int call() throws Exception {
        int slash = object.indexOf('/');
        if (slash <= 0 || slash == object.length() - 1) {
            err.println("imageflow run: name the object as BUCKET/KEY, such as raw/photo.jpg; got '" + object + "'");
            return ExitCodes.INVALID;
        }
        Map<String, Map<String, Object>> parameters = new LinkedHashMap<>();
        for (String setting : settings) {
            int dot = setting.indexOf('.');
            int equals = setting.indexOf('=');
            if (dot <= 0 || equals < dot + 2) {
                err.println("imageflow run: --set takes STEP.PARAM=VALUE, such as resize.width=320; got '" + setting
                        + "'");
                return ExitCodes.INVALID;
            }
            parameters.computeIfAbsent(setting.substring(0, dot), step -> new LinkedHashMap<>())
                    .put(setting.substring(dot + 1, equals), value(setting.substring(equals + 1)));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("pipelineId", pipelineId);
        if (version != null) {
            request.put("version", version);
        }
        request.put("input", Map.of("bucket", object.substring(0, slash), "key", object.substring(slash + 1)));
        if (!parameters.isEmpty()) {
            request.put("parameters", parameters);
        }
        RunnerClient client = runner.client();
        RunnerClient.Answer response = client.start(RunnerClient.Json.MAPPER.writeValueAsString(request));
        JsonNode answer = RunnerClient.Json.MAPPER.readTree(response.body());
        if (response.statusCode() == 202 || response.statusCode() == 200) {
            String runId = answer.path("runId").asString();
            out.println(response.statusCode() == 202 ? "run " + runId + " started"
                    : "run " + runId + " exists already (the same object version and parameters)");
            return watch ? WatchCommand.follow(client, runId, timeoutSeconds, out, err) : ExitCodes.OK;
        }
        if (answer.path("problems").isEmpty()) {
            err.println("imageflow run: " + answer.path("detail").asString(response.body()));
        } else {
            err.println("imageflow run: the parameters are refused:");
        }
        for (JsonNode problem : answer.path("problems")) {
            err.println("  " + (problem.hasNonNull("stepId") ? "step '" + problem.path("stepId").asString() + "', "
                    : "") + problem.path("field").asString() + ": " + problem.path("message").asString());
        }
        // The request was wrong (unknown pipeline or object, bad parameters): 2; the runner failed: 1.
        return response.statusCode() < 500 ? ExitCodes.INVALID : ExitCodes.FAILURE;
    }

    /** A --set value as JSON would have it: true/false, a number, the text, or null (nothing: the default). */
    static Object value(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("-?\\d{1,15}")) {
            return Long.parseLong(text);
        }
        if (text.matches("-?\\d+\\.\\d+")) {
            return Double.parseDouble(text);
        }
        return text;
    }
}
