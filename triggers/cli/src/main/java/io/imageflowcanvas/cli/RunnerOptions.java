package io.imageflowcanvas.cli;

import picocli.CommandLine.Option;

/** Where the running local runner's API answers; mixed into the commands that use it. */
final class RunnerOptions {

    @Option(names = "--api-port", defaultValue = "${env:IMAGEFLOW_API_PORT:-8090}",
            description = "the runner's API port (default: IMAGEFLOW_API_PORT or ${DEFAULT-VALUE})")
    int apiPort;

    RunnerClient client() {
        return new RunnerClient(apiPort);
    }
}
