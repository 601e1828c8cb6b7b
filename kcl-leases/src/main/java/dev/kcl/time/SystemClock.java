package dev.kcl.time;

import java.time.Clock;

/**
 * The one place production code touches real time: the system's monotonic clock, its wall clock and sleeping. Everything
 * else receives a {@link Ticker}, {@link Sleeper} or {@link java.time.InstantSource}, so tests can use a fake clock.
 */
final class SystemClock {
    static final Ticker TICKER = System::nanoTime;

    static final Clock WALL = Clock.systemUTC();

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
