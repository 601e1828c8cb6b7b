package dev.kcl.time;

import java.time.Duration;

/** A clock that moves only when told to. Thread-safe. */
public final class FakeTime implements Ticker {
    private volatile long nanos = 1_000_000_000L;

    @Override
    public long nanos() {
        return nanos;
    }

    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go backwards: " + duration);
        }
        nanos += duration.toNanos();
    }
}
