package dev.kcl.fanout;

import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of enhanced fan-out retrieval. Immutable; build with {@link #builder(String)}.
 *
 * @param consumerName the stream consumer to register (or reuse); one per application
 * @param maxPendingEvents events a shard reads ahead of its processor; more are requested only as it keeps up
 * @param registrationTimeout how long {@code Worker.start()} waits for the consumer to become ACTIVE
 * @param resubscribeBackoff the backoff between attempts after a subscription failed; its ceiling is at most
 *     {@link #MAX_RESUBSCRIBE_DELAY}, and its {@code maxAttempts} is not used: a source keeps trying while it holds
 *     the shard
 * @param warnAfterFailures failed subscriptions in a row before a warning (routine renewals are not failures)
 * @param shardCheckInterval how often the worker lists the shards to notice closed ones whose subscriptions did not
 *     say so (one ListShards per worker per interval)
 */
public record FanOutConfig(
        String consumerName,
        int maxPendingEvents,
        Duration registrationTimeout,
        Backoff resubscribeBackoff,
        int warnAfterFailures,
        Duration shardCheckInterval) {

    /**
     * The longest a shard may wait to subscribe again after a failure. A renewal routinely meets ResourceInUse for a
     * few seconds while the previous subscription closes; a longer wait would leave the shard unread for no gain.
     */
    public static final Duration MAX_RESUBSCRIBE_DELAY = Duration.ofSeconds(5);

    public FanOutConfig {
        if (consumerName == null || !consumerName.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException(
                    "consumerName must be 1-128 characters of [a-zA-Z0-9_.-], was '" + consumerName + "'");
        }
        if (maxPendingEvents < 1) {
            throw new IllegalArgumentException("maxPendingEvents must be at least 1, was " + maxPendingEvents);
        }
        positive(registrationTimeout, "registrationTimeout");
        Objects.requireNonNull(resubscribeBackoff, "resubscribeBackoff");
        if (resubscribeBackoff.max().compareTo(MAX_RESUBSCRIBE_DELAY) > 0) {
            throw new IllegalArgumentException("resubscribeBackoff max must be at most " + MAX_RESUBSCRIBE_DELAY
                    + " (a shard subscribes again within 5 s of a failure), was " + resubscribeBackoff.max());
        }
        if (warnAfterFailures < 1) {
            throw new IllegalArgumentException("warnAfterFailures must be at least 1, was " + warnAfterFailures);
        }
        positive(shardCheckInterval, "shardCheckInterval");
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    public static Builder builder(String consumerName) {
        return new Builder(consumerName);
    }

    /** Builds a {@link FanOutConfig}. */
    public static final class Builder {
        private final String consumerName;
        private int maxPendingEvents = 2;
        private Duration registrationTimeout = Duration.ofMinutes(2);
        private Backoff resubscribeBackoff =
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), Integer.MAX_VALUE);
        private int warnAfterFailures = 3;
        private Duration shardCheckInterval = Duration.ofSeconds(10);

        private Builder(String consumerName) {
            this.consumerName = consumerName;
        }

        /** Default 2 events (each up to the records of one SubscribeToShard event). */
        public Builder maxPendingEvents(int maxPendingEvents) {
            this.maxPendingEvents = maxPendingEvents;
            return this;
        }

        /** Default 2 minutes. */
        public Builder registrationTimeout(Duration registrationTimeout) {
            this.registrationTimeout = registrationTimeout;
            return this;
        }

        /**
         * Default 100 ms doubling to 5 s, with full jitter. The ceiling ({@link Backoff#max()}) may not exceed
         * {@link FanOutConfig#MAX_RESUBSCRIBE_DELAY} (5 s); {@link Backoff#maxAttempts()} is not used, since a source
         * keeps trying while it holds the shard.
         */
        public Builder resubscribeBackoff(Backoff resubscribeBackoff) {
            this.resubscribeBackoff = resubscribeBackoff;
            return this;
        }

        /** Default 3. */
        public Builder warnAfterFailures(int warnAfterFailures) {
            this.warnAfterFailures = warnAfterFailures;
            return this;
        }

        /** Default 10 s. */
        public Builder shardCheckInterval(Duration shardCheckInterval) {
            this.shardCheckInterval = shardCheckInterval;
            return this;
        }

        public FanOutConfig build() {
            return new FanOutConfig(
                    consumerName,
                    maxPendingEvents,
                    registrationTimeout,
                    resubscribeBackoff,
                    warnAfterFailures,
                    shardCheckInterval);
        }
    }
}
