package dev.kcl.time;

import java.time.Clock;
import java.time.InstantSource;

/**
 * The system's wall clock, for timestamps that mean a moment in the world (metric timestamps, heartbeat times shown to
 * operators, AT_TIMESTAMP positions). Elapsed time is measured with a {@link Ticker}, never with this.
 */
public final class WallClock {
    private WallClock() {}

    /** The system's wall clock as an {@link InstantSource}. */
    public static InstantSource system() {
        return SystemClock.WALL;
    }

    /** The system's wall clock in UTC, for APIs that take a {@link Clock}. */
    public static Clock systemUtc() {
        return SystemClock.WALL;
    }
}
