package dev.kcl.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, shared by every retry in kcl: attempt {@code n} (from 1) waits a random time
 * up to {@code min(max, base * 2^(n-1))}.
 *
 * @param base the first attempt's ceiling
 * @param max the ceiling no wait exceeds
 * @param maxAttempts how many attempts in all before giving up (1 means no retry)
 */
public record Backoff(Duration base, Duration max, int maxAttempts) {
    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be positive, was " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must be at least base (" + base + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** The ceiling of the wait after failed attempt {@code attempt} (1-based). */
    public Duration ceiling(int attempt) {
        int shift = Math.min(30, Math.max(0, attempt - 1));
        long nanos = base.toNanos() << shift;
        return nanos <= 0 || nanos > max.toNanos() ? max : Duration.ofNanos(nanos);
    }

    /** A random wait in [0, ceiling(attempt)]: full jitter, so retrying workers spread out. */
    public Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toNanos();
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
