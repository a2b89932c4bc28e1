package io.imageflowcanvas.cli;

import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/** {@code imageflow backup DIR}: the running local runner backs its data up into a new or empty folder. */
final class BackupCommand extends Subcommand {

    Path directory;
    boolean objects;
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        return runner.declare(Syntax.command("backup", "Back the running local runner's data up into a new or empty"
                + " folder: saved pipelines, deployments, the run history, and with --objects every object with its"
                + " metadata.")
                .parameter("DIR", "the folder to write the backup into (new or empty)",
                        value -> directory = Path.of(value))
                .flag("--objects", "copy the buckets' objects too (inputs and outputs)", () -> objects = true));
    }

    @Override
    int call() throws Exception {
        // The runner writes it: it resolves no relative path against its own folder.
        String target = directory.toAbsolutePath().normalize().toString();
        RunnerClient.Answer answer = runner.client().backup(target, objects);
        if (answer.statusCode() != 201) {
            JsonNode problem = RunnerClient.Json.MAPPER.readTree(answer.body());
            err.println("imageflow backup: " + problem.path("detail").asString(answer.body()));
            return answer.statusCode() < 500 ? ExitCodes.INVALID : ExitCodes.FAILURE;
        }
        JsonNode manifest = RunnerClient.Json.MAPPER.readTree(answer.body());
        StringBuilder counts = new StringBuilder();
        manifest.path("counts").properties().forEach(count -> counts.append(counts.isEmpty() ? "" : ", ")
                .append(count.getValue().asInt()).append(' ').append(count.getKey()));
        out.println("backed up into " + target + ": " + counts
                + (objects ? "" : " (objects not copied: add --objects to copy them)"));
        return ExitCodes.OK;
    }
}
