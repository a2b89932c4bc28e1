package io.imageflowcanvas.cli;

import io.imageflowcanvas.local.LocalRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code imageflow up}: the local runner on embedded defaults, until Ctrl-C (the README's first command). */
@Command(name = "up", description = "Start the S3 server, the functions and the runner on this machine.")
final class UpCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        LocalRunner.main(new String[0]);
        return ExitCodes.OK;
    }
}
