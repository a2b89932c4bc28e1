package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code imageflow run PIPELINE BUCKET/KEY [--set step.param=value ...] [--watch]}: a deployed pipeline run now on
 * a stored object, some steps' parameters set otherwise (another run, written apart).
 */
@Command(name = "run", description = "Run a pipeline deployed on the running local runner on an object already"
        + " stored, now; --set gives some steps other parameters (a run of its own, its outputs under"
        + " <key>/with-<digest>/).")
final class RunCommand implements Callable<Integer> {


    @Parameters(index = "0", paramLabel = "PIPELINE", description = "a deployed pipeline's id")
    String pipelineId;

    @Parameters(index = "1", paramLabel = "BUCKET/KEY", description = "the object, such as raw/holiday/photo.jpg")
    String object;

    @Option(names = "--set", paramLabel = "STEP.PARAM=VALUE", description = "a step's parameter for this run, such"
            + " as resize.width=320 (repeatable; numbers and true/false are taken as such; nothing after = takes the"
            + " definition's value away)")
    List<String> settings = List.of();

    @Option(names = "--version", description = "the pipeline version the run must be of (the deployed one)")
    String version;

    @Option(names = "--watch", description = "follow the run until it ends; exit 0 if it succeeded, 1 if not")
    boolean watch;

    @Option(names = "--timeout", defaultValue = "600", description = "with --watch: give up after this many seconds")
    int timeoutSeconds;

    @Mixin
    RunnerOptions runner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
