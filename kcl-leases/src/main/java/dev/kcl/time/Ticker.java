package dev.kcl.time;

/**
 * A monotonic clock in nanoseconds, for measuring elapsed time (lease expiry, backoff, intervals). Its origin is
 * arbitrary: only differences between two readings mean anything.
 *
 * <p>Every component takes a {@code Ticker} rather than reading {@link System#nanoTime()}, so tests advance a fake
 * clock instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds since an arbitrary origin; never decreases. */
    long nanos();

    /** The system's monotonic clock. */
    static Ticker system() {
        return SystemClock.TICKER;
    }
}
