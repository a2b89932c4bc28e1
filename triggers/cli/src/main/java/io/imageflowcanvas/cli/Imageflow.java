package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code imageflow} command. {@link #main} only wires the console; {@link #run} is what tests call.
 */
// INHERIT: every command takes --help (and --version) as the top level does.
@Command(name = "imageflow", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "imageflow 0.1.0",
        description = "Event-driven image pipelines: run them on this machine or put them on a cluster, and look"
                + " at their runs.")
public final class Imageflow {

    /**
     * The subcommands in the order the help lists them. Only the one a command line names is built: picocli reads
     * a command's annotations, fields and methods by reflection when it is added, which for all of them cost more
     * than the rest of a short command (bench/README.md, "CLI"). Built from here, a command's class is loaded only
     * when it runs or the help lists it.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("up", UpCommand::new);
        COMMANDS.put("validate", ValidateCommand::new);
        COMMANDS.put("put", PutCommand::new);
        COMMANDS.put("runs", RunsCommand::new);
        COMMANDS.put("watch", WatchCommand::new);
        COMMANDS.put("logs", LogsCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("retry", RetryCommand::new);
        COMMANDS.put("camera", CameraCommand::new);
        COMMANDS.put("backup", BackupCommand::new);
        COMMANDS.put("restore", RestoreCommand::new);
        COMMANDS.put("render", RenderCommand::new);
        COMMANDS.put("apply", ApplyCommand::new);
        COMMANDS.put("delete", DeleteCommand::new);
    }

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
        if (args.length > 0 && !args[0].startsWith("-") && !COMMANDS.containsKey(args[0])) {
            err.println("imageflow: unknown command '" + args[0] + "'; the commands are "
                    + String.join(", ", COMMANDS.keySet()) + " (imageflow --help says more)");
            return ExitCodes.INVALID;
        }
        CommandLine command = new CommandLine(new Imageflow());
        // Added before the settings below: picocli hands them only to the subcommands it has at that moment.
        if (args.length > 0 && COMMANDS.containsKey(args[0])) {
            command.addSubcommand(args[0], COMMANDS.get(args[0]).get());
        } else {
            COMMANDS.forEach((name, factory) -> command.addSubcommand(name, factory.get()));
        }
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
        return command.execute(args);
    }
}
