package dev.kcl.leases;

/**
 * The lease table could not be read or written: throttling, a timeout, a network failure, a missing table or
 * permission. {@link #retryable()} tells a transient failure from one that needs an operator.
 *
 * <p>A write that failed this way may still have been applied; callers re-read before they rely on either outcome.
 */
public class LeaseTableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public LeaseTableException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public LeaseTableException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    /** True for throttling, timeouts and other transient failures worth retrying. */
    public boolean retryable() {
        return retryable;
    }
}
