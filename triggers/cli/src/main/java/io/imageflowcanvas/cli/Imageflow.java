package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code imageflow} command. {@link #main} only wires the console; {@link #run} is what tests call.
 */
// INHERIT: every command takes --help (and --version) as the top level does.
@Command(name = "imageflow", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "imageflow 0.1.0",
        description = "Event-driven image pipelines: run them on this machine or put them on a cluster, and look"
                + " at their runs.",
        subcommands = {UpCommand.class, ValidateCommand.class, PutCommand.class, RunsCommand.class,
                WatchCommand.class, LogsCommand.class, RunCommand.class, RetryCommand.class, CameraCommand.class,
                BackupCommand.class, RestoreCommand.class, RenderCommand.class, ApplyCommand.class,
                DeleteCommand.class})
public final class Imageflow {

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        // print() does not flush an autoflush PrintWriter; exit() would drop what is buffered.
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs {@code args}, writing to {@code out} and {@code err}; returns an {@link ExitCodes} value. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine command = new CommandLine(new Imageflow());
        command.setOut(out);
        command.setErr(err);
        command.setParameterExceptionHandler((e, a) -> {
            err.println("imageflow: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCodes.INVALID;
        });
        command.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("imageflow: " + e.getMessage());
            return ExitCodes.FAILURE;
        });
        if (args.length == 0) {
            command.usage(out);
            return ExitCodes.INVALID;
        }
        // Checked first: with --help after it, picocli would print the top-level help and succeed.
        if (!args[0].startsWith("-") && !command.getSubcommands().containsKey(args[0])) {
            err.println("imageflow: unknown command '" + args[0] + "'; the commands are "
                    + String.join(", ", command.getSubcommands().keySet()) + " (imageflow --help says more)");
            return ExitCodes.INVALID;
        }
        return command.execute(args);
    }
}
