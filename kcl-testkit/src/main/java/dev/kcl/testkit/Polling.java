package dev.kcl.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits in real time for something outside the JVM (a child process, a port, a table) to reach a state.
 *
 * <p>The test kit drives real processes, so unlike the library it cannot use an injected clock: this is the one
 * place in the kit that reads the system clock and sleeps.
 */
final class Polling {
    private Polling() {}

    /**
     * Polls {@code condition} every {@code interval} until it holds.
     *
     * @throws IllegalStateException naming {@code what} if it does not hold within {@code timeout}
     */
    static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            pause(interval);
        }
    }

    /** Sleeps, restoring the interrupt flag and failing fast if the thread is interrupted. */
    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    static long nanoTime() {
        return System.nanoTime();
    }
}
