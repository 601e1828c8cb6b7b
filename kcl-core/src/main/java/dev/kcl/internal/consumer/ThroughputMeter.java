package dev.kcl.internal.consumer;

import dev.kcl.time.Ticker;
import java.util.Optional;

/**
 * The bytes a shard delivers per second, as the owner records it in the lease with its progress writes: the leader
 * balances leases by it once their counts are even. Readings cover at least {@link #MIN_WINDOW_NANOS}, so checkpoints
 * close together do not turn one batch into a spike. Thread-safe: lanes checkpoint from the pool.
 */
final class ThroughputMeter {
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    private final Ticker ticker;
    private long bytes; // guarded by this
    private long windowStart; // guarded by this

    ThroughputMeter(Ticker ticker) {
        this.ticker = ticker;
        this.windowStart = ticker.nanos();
    }

    synchronized void delivered(long byteCount) {
        bytes += byteCount;
    }

    /** KB/s since the last reading, starting a new window; empty while the window is shorter than a second. */
    synchronized Optional<Double> reading() {
        long now = ticker.nanos();
        long elapsed = now - windowStart;
        if (elapsed < MIN_WINDOW_NANOS) {
            return Optional.empty();
        }
        double kbps = bytes / 1024.0 / (elapsed / 1e9);
        bytes = 0;
        windowStart = now;
        return Optional.of(Math.round(kbps * 100) / 100.0);
    }
}
