package io.imageflowcanvas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code imageflow backup DIR}: the running local runner backs its data up into a new or empty folder. */
@Command(name = "backup", description = "Back the running local runner's data up into a new or empty folder:"
        + " saved pipelines, deployments, the run history, and with --objects every object with its metadata.")
final class BackupCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "the folder to write the backup into (new or empty)")
    Path directory;

    @Option(names = "--objects", description = "copy the buckets' objects too (inputs and outputs)")
    boolean objects;

    @Mixin
    RunnerOptions runner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The runner writes it: it resolves no relative path against its own folder.
        String target = directory.toAbsolutePath().normalize().toString();
        RunnerClient.Answer answer = runner.client().backup(target, objects);
        if (answer.statusCode() != 201) {
            JsonNode problem = RunnerClient.Json.MAPPER.readTree(answer.body());
            spec.commandLine().getErr().println("imageflow backup: " + problem.path("detail").asString(answer.body()));
            return answer.statusCode() < 500 ? ExitCodes.INVALID : ExitCodes.FAILURE;
        }
        JsonNode manifest = RunnerClient.Json.MAPPER.readTree(answer.body());
        StringBuilder counts = new StringBuilder();
        manifest.path("counts").properties().forEach(count -> counts.append(counts.isEmpty() ? "" : ", ")
                .append(count.getValue().asInt()).append(' ').append(count.getKey()));
        spec.commandLine().getOut().println("backed up into " + target + ": " + counts
                + (objects ? "" : " (objects not copied: add --objects to copy them)"));
        return ExitCodes.OK;
    }
}
