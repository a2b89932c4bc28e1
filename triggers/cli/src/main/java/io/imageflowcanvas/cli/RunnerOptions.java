package io.imageflowcanvas.cli;

/** Where the running local runner's API answers; mixed into the commands that use it. */
final class RunnerOptions {

    int apiPort;

    /** Adds {@code --api-port} to {@code syntax}. */
    Syntax declare(Syntax syntax) {
        return syntax.option("--api-port", "PORT", Syntax.env("IMAGEFLOW_API_PORT", "8090"),
                "the runner's API port (default: IMAGEFLOW_API_PORT or 8090)",
                value -> apiPort = Syntax.integer("--api-port", value));
    }

    RunnerClient client() {
        return new RunnerClient(apiPort);
    }
}
