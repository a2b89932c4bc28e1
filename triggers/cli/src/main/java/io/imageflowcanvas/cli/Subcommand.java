package io.imageflowcanvas.cli;

import java.io.PrintWriter;

/**
 * A command of {@code imageflow}: its {@link Syntax} parses a command line into its fields, then {@link #call} runs
 * it, writing to {@link #out} and {@link #err}.
 */
abstract class Subcommand {

    /** Where the command's results go. */
    PrintWriter out;
    /** Where its problems and notes go. */
    PrintWriter err;

    /** The command's syntax, each option and parameter bound to a field of this command. */
    abstract Syntax syntax();

    /** Runs the command once its fields are set; an {@link ExitCodes} value. */
    abstract int call() throws Exception;
}
