package dev.kcl.time;

/**
 * The one place production code touches real time: the system's monotonic clock and sleeping on it. Everything
 * else receives a {@link Ticker} or {@link Sleeper}, so tests can use a fake clock.
 */
final class SystemClock {
    static final Ticker TICKER = System::nanoTime;

    static final Sleeper SLEEPER = duration -> {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    };

    private SystemClock() {}
}
