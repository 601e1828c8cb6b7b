package dev.kcl;

import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of polling retrieval ({@code GetRecords}). Immutable; build with {@link #builder()}.
 *
 * @param maxRecordsPerCall the {@code Limit} of each GetRecords call (1-10,000)
 * @param idleTime the wait before the next call once a shard is caught up
 * @param minCallInterval the least time between two calls on one shard, retries included; at least 200 ms, as Kinesis
 *     allows 5 GetRecords calls per second per shard
 * @param maxPrefetchRecords a shard stops reading ahead once this many records wait for the processor
 * @param maxPrefetchBytes ... or this many bytes
 * @param throttleBackoff the backoff after throttling or a failed call
 */
public record PollingConfig(
        int maxRecordsPerCall,
        Duration idleTime,
        Duration minCallInterval,
        int maxPrefetchRecords,
        long maxPrefetchBytes,
        Backoff throttleBackoff) {

    public PollingConfig {
        if (maxRecordsPerCall < 1 || maxRecordsPerCall > 10_000) {
            throw new IllegalArgumentException("maxRecordsPerCall must be 1-10000, was " + maxRecordsPerCall);
        }
        requireNonNegative(idleTime, "idleTime");
        Objects.requireNonNull(minCallInterval, "minCallInterval");
        if (minCallInterval.compareTo(KINESIS_MIN_CALL_INTERVAL) < 0) {
            throw new IllegalArgumentException("minCallInterval must be at least 200 ms (Kinesis allows 5 GetRecords "
                    + "calls per second per shard), was " + minCallInterval);
        }
        if (maxPrefetchRecords < 1) {
            throw new IllegalArgumentException("maxPrefetchRecords must be at least 1, was " + maxPrefetchRecords);
        }
        if (maxPrefetchBytes < 1) {
            throw new IllegalArgumentException("maxPrefetchBytes must be at least 1, was " + maxPrefetchBytes);
        }
        Objects.requireNonNull(throttleBackoff, "throttleBackoff");
    }

    private static final Duration KINESIS_MIN_CALL_INTERVAL = Duration.ofMillis(200);

    /** The defaults: 10,000 records a call, 200 ms idle time and call interval, 10,000 records or 8 MiB ahead. */
    public static PollingConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    /** Builds a {@link PollingConfig}. */
    public static final class Builder {
        private int maxRecordsPerCall = 10_000;
        private Duration idleTime = Duration.ofMillis(200);
        private Duration minCallInterval = Duration.ofMillis(200);
        private int maxPrefetchRecords = 10_000;
        private long maxPrefetchBytes = 8L * 1024 * 1024;
        private Backoff throttleBackoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), Integer.MAX_VALUE);

        private Builder() {}

        /** GetRecords {@code Limit}. Default 10,000 (the API's maximum). */
        public Builder maxRecordsPerCall(int maxRecordsPerCall) {
            this.maxRecordsPerCall = maxRecordsPerCall;
            return this;
        }

        /** Wait before polling a caught-up shard again. Default 200 ms (KCL waits 1.5 s). */
        public Builder idleTime(Duration idleTime) {
            this.idleTime = idleTime;
            return this;
        }

        /** Least time between calls on one shard. Default 200 ms: at most 5 calls per second, Kinesis's limit. */
        public Builder minCallInterval(Duration minCallInterval) {
            this.minCallInterval = minCallInterval;
            return this;
        }

        /** Records read ahead per shard. Default 10,000. */
        public Builder maxPrefetchRecords(int maxPrefetchRecords) {
            this.maxPrefetchRecords = maxPrefetchRecords;
            return this;
        }

        /** Bytes read ahead per shard. Default 8 MiB. */
        public Builder maxPrefetchBytes(long maxPrefetchBytes) {
            this.maxPrefetchBytes = maxPrefetchBytes;
            return this;
        }

        /** Backoff after throttling or an error. Default 200 ms doubling to 5 s, with jitter, retrying forever. */
        public Builder throttleBackoff(Backoff throttleBackoff) {
            this.throttleBackoff = throttleBackoff;
            return this;
        }

        public PollingConfig build() {
            return new PollingConfig(
                    maxRecordsPerCall,
                    idleTime,
                    minCallInterval,
                    maxPrefetchRecords,
                    maxPrefetchBytes,
                    throttleBackoff);
        }
    }
}
