package dev.kcl.time;

import java.time.Duration;

/**
 * Blocks the calling thread for a while: used only where a blocking wait is the contract, such as waiting for a
 * new table to become ACTIVE at start-up. Tests pass one that advances a fake clock instead.
 */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps for {@code duration}; restores the interrupt flag and throws if interrupted. */
    void sleep(Duration duration);

    /** Sleeps on the system clock. */
    static Sleeper system() {
        return SystemClock.SLEEPER;
    }
}
