package io.imageflowcanvas.cli;

/** The {@code imageflow} command's exit codes. */
final class ExitCodes {

    /** Done; for {@code watch}, the run succeeded. */
    public static final int OK = 0;
    /** The world is wrong: the runner or the S3 server is unreachable, or the watched run failed. */
    public static final int FAILURE = 1;
    /** The input is wrong: an invalid pipeline, a missing file, a bad option. Trying again will not help. */
    public static final int INVALID = 2;

    private ExitCodes() {
    }
}
