package io.imageflowcanvas.cli;

import io.imageflowcanvas.local.LocalRunner;

/** {@code imageflow up}: the local runner on embedded defaults, until Ctrl-C (the README's first command). */
final class UpCommand extends Subcommand {

    @Override
    Syntax syntax() {
        return Syntax.command("up", "Start the S3 server, the functions and the runner on this machine.");
    }

    @Override
    int call() throws Exception {
        LocalRunner.main(new String[0]);
        return ExitCodes.OK;
    }
}
