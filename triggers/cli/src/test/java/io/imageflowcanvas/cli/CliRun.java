package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code imageflow} command run in-process: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun imageflow(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Imageflow.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
