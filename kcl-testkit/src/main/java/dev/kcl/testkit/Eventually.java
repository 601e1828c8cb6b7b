package dev.kcl.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something real threads or processes bring about, for integration tests; fails saying what was seen. */
public final class Eventually {
    private Eventually() {}

    /**
     * Polls {@code condition} every 100 ms until it holds.
     *
     * @return how long it took, in milliseconds
     * @throws AssertionError with {@code state}'s description if it does not hold within {@code limit}
     */
    public static long await(Duration limit, BooleanSupplier condition, Supplier<String> state) {
        long started = Polling.nanoTime();
        try {
            Polling.until("a condition", limit, Duration.ofMillis(100), condition);
        } catch (IllegalStateException e) {
            throw new AssertionError("not reached within " + limit + ": " + state.get(), e);
        }
        return (Polling.nanoTime() - started) / 1_000_000;
    }
}
