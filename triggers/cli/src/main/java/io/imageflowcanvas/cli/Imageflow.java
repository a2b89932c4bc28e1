package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code imageflow} command. {@link #main} only wires the console; {@link #run} is what tests call.
 */
public final class Imageflow {

    static final String VERSION = "imageflow 0.1.0";
    /** Where the commands' descriptions start in the top-level help. */
    private static final int COMMAND_COLUMN = 12;
    private static final String DESCRIPTION = "Event-driven image pipelines: run them on this machine or put them on"
            + " a cluster, and look at their runs.";

    /**
     * The commands in the order the help lists them. Only the one a command line names is made: a command's class is
     * loaded when it runs or the help lists it.
     */
    private static final Map<String, Supplier<Subcommand>> COMMANDS = new LinkedHashMap<>();

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

    /** Commands whose runner or server closes in shutdown hooks: they end through {@code System.exit}. */
    private static final Set<String> RUN_HOOKS = Set.of("up", "restore", "watch", "camera");

    private Imageflow() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        // print() does not flush an autoflush PrintWriter; exit() would drop what is buffered.
        out.flush();
        err.flush();
        if (args.length > 0 && RUN_HOOKS.contains(args[0])) {
            System.exit(code);
        }
        // Runtime.exit first asks for a System.Logger to log the exit at debug level, and finding the logging
        // backend opens every jar on the class path for a LoggerFinder: 60 ms of a command that answers in 0.2 s
        // (bench/README.md, "CLI"). The other commands register no shutdown hooks, so halting skips nothing.
        Runtime.getRuntime().halt(code);
    }

    /** Runs {@code args}, writing to {@code out} and {@code err}; returns an {@link ExitCodes} value. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 0) {
            usage(out);
            return ExitCodes.INVALID;
        }
        String first = args[0];
        if (first.equals("-h") || first.equals("--help")) {
            usage(out);
            return ExitCodes.OK;
        }
        if (first.equals("-V") || first.equals("--version")) {
            out.println(VERSION);
            return ExitCodes.OK;
        }
        if (first.startsWith("-")) {
            err.println("imageflow: Unknown option: '" + first + "'");
            usage(err);
            return ExitCodes.INVALID;
        }
        Supplier<Subcommand> factory = COMMANDS.get(first);
        if (factory == null) {
            err.println("imageflow: unknown command '" + first + "'; the commands are "
                    + String.join(", ", COMMANDS.keySet()) + " (imageflow --help says more)");
            return ExitCodes.INVALID;
        }
        Subcommand command = factory.get();
        Syntax syntax = command.syntax();
        Syntax.Outcome outcome;
        try {
            outcome = syntax.parse(Arrays.asList(args).subList(1, args.length));
        } catch (Syntax.UsageException e) {
            err.println("imageflow: " + e.getMessage());
            syntax.usage(err, "imageflow " + first);
            return ExitCodes.INVALID;
        }
        if (outcome == Syntax.Outcome.HELP) {
            syntax.usage(out, "imageflow " + first);
            return ExitCodes.OK;
        }
        if (outcome == Syntax.Outcome.VERSION) {
            out.println(VERSION);
            return ExitCodes.OK;
        }
        command.out = out;
        command.err = err;
        try {
            return command.call();
        } catch (Exception e) {
            err.println("imageflow: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /** The top-level help: every command with what it does. */
    private static void usage(PrintWriter out) {
        out.println("Usage: imageflow [-hV] [COMMAND]");
        Syntax.wrap(out, DESCRIPTION, "");
        Syntax.row(out, "  -h, --help", "Show this help message and exit.");
        Syntax.row(out, "  -V, --version", "Print version information and exit.");
        out.println("Commands:");
        COMMANDS.forEach((name, factory) -> Syntax.row(out, "  " + name, factory.get().syntax().description(),
                COMMAND_COLUMN));
    }
}
