package dev.kcl.cli;

/** A failure the command reports in one line and an exit status, without a stack trace. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Something failed: a missing table or stream, a denied permission, an AWS error. */
    static final int FAILED = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** The command would be unsafe now (live workers, a lease that moved meanwhile) and did nothing. */
    static final int REFUSED = 3;

    private final int status;

    CliException(int status, String message) {
        super(message);
        this.status = status;
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    static CliException failed(String message) {
        return new CliException(FAILED, message);
    }

    static CliException refused(String message) {
        return new CliException(REFUSED, message);
    }

    int status() {
        return status;
    }
}
