package io.imageflowcanvas.server;

import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/backups}: the host's data backed up while it runs, into a folder on its own machine that the
 * caller names ({@code imageflow backup} sends it). The folder must be new or empty: a request cannot make the
 * host write over anything.
 */
final class BackupEndpoints {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PipelineHost host;

    BackupEndpoints(PipelineHost host) {
        this.host = host;
    }

    /** {@code {"directory": "/absolute/folder", "objects": true|false}}: 201 with the backup's manifest. */
    Answer create(Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(new String(request.body(), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw bad("the body must be JSON like {\"directory\": \"/backups/today\", \"objects\": true}: "
                    + e.getOriginalMessage());
        }
        String directory = body == null ? "" : body.path("directory").asString("");
        if (directory.isEmpty() || !Path.of(directory).isAbsolute()) {
            throw bad("\"directory\" must be an absolute path on the runner's machine, got '" + directory + "'");
        }
        JsonNode objects = body.path("objects");
        if (!objects.isMissingNode() && !objects.isBoolean()) {
            throw bad("\"objects\" must be true or false, got " + objects);
        }
        try {
            return Answer.json(201, host.backup(Path.of(directory), objects.asBoolean(false)));
        } catch (UnsupportedOperationException e) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Not backed up here", e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Backup refused", e.getMessage()));
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // The history or the store away, or the disk: another try may do.
            throw new ApiProblem.Failure(ApiProblem.of(503, "Backup failed", e.getMessage()));
        }
    }

    private static ApiProblem.Failure bad(String detail) {
        return new ApiProblem.Failure(ApiProblem.of(400, "Invalid backup request", detail));
    }
}
