package dev.kcl.leases;

import java.time.Duration;
import java.util.Objects;

/**
 * Lease-protocol settings. Immutable; build with {@link #builder()}. Every default derives from
 * {@link Builder#failoverTime(Duration)} where it says so.
 *
 * @param failoverTime how long a worker's heartbeat may stay unchanged before its leases go to others
 * @param heartbeatInterval how often each worker writes its heartbeat
 * @param selfFenceMargin a worker that has not written a heartbeat for {@code failoverTime - selfFenceMargin}
 *     drops its leases by itself, before anyone else may take them
 * @param pollInterval how often a worker looks for leases given to or taken from it, and watches the leader
 * @param leaseScanInterval how often the leader reads every lease to rebalance, when nothing prompts it sooner
 * @param handoffTimeout how long the leader waits for an owner to finish a handoff before moving the lease anyway
 * @param tickInterval the coordinator's clock resolution
 * @param limits bounds on each balancing round
 */
public record LeaseConfig(
        Duration failoverTime,
        Duration heartbeatInterval,
        Duration selfFenceMargin,
        Duration pollInterval,
        Duration leaseScanInterval,
        Duration handoffTimeout,
        Duration tickInterval,
        BalancerLimits limits) {

    public LeaseConfig {
        positive(failoverTime, "failoverTime");
        positive(heartbeatInterval, "heartbeatInterval");
        positive(selfFenceMargin, "selfFenceMargin");
        positive(pollInterval, "pollInterval");
        positive(leaseScanInterval, "leaseScanInterval");
        positive(handoffTimeout, "handoffTimeout");
        positive(tickInterval, "tickInterval");
        Objects.requireNonNull(limits, "limits");
        if (selfFenceMargin.compareTo(failoverTime) >= 0) {
            throw new IllegalArgumentException(
                    "selfFenceMargin (" + selfFenceMargin + ") must be less than failoverTime (" + failoverTime + ")");
        }
        if (heartbeatInterval.multipliedBy(2).compareTo(failoverTime.minus(selfFenceMargin)) > 0) {
            throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval + ") must be at most half of "
                    + "failoverTime - selfFenceMargin (" + failoverTime.minus(selfFenceMargin) + "), so one lost "
                    + "heartbeat does not cost a worker its leases");
        }
    }

    /** Settings with every default: failover time 10 s. */
    public static LeaseConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long this worker may go without a successful heartbeat before it drops its leases itself. */
    public Duration selfFenceAfter() {
        return failoverTime.minus(selfFenceMargin);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** Builds a {@link LeaseConfig}. */
    public static final class Builder {
        private Duration failoverTime = Duration.ofSeconds(10);
        private Duration heartbeatInterval;
        private Duration selfFenceMargin;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration leaseScanInterval;
        private Duration handoffTimeout;
        private Duration tickInterval = Duration.ofMillis(100);
        private int maxLeasesPerWorker = Integer.MAX_VALUE;
        private int maxMovesPerRound = 5;
        private double throughputTolerance = 0.2;

        private Builder() {}

        /** How long a silent worker keeps its leases. Default 10 s. */
        public Builder failoverTime(Duration failoverTime) {
            this.failoverTime = Objects.requireNonNull(failoverTime, "failoverTime");
            return this;
        }

        /** Default: a third of the failover time. */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /** Default: a fifth of the failover time. */
        public Builder selfFenceMargin(Duration selfFenceMargin) {
            this.selfFenceMargin = Objects.requireNonNull(selfFenceMargin, "selfFenceMargin");
            return this;
        }

        /** Default 500 ms. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** Default: the heartbeat interval. */
        public Builder leaseScanInterval(Duration leaseScanInterval) {
            this.leaseScanInterval = Objects.requireNonNull(leaseScanInterval, "leaseScanInterval");
            return this;
        }

        /** Default: the failover time. */
        public Builder handoffTimeout(Duration handoffTimeout) {
            this.handoffTimeout = Objects.requireNonNull(handoffTimeout, "handoffTimeout");
            return this;
        }

        /** Default 100 ms. */
        public Builder tickInterval(Duration tickInterval) {
            this.tickInterval = Objects.requireNonNull(tickInterval, "tickInterval");
            return this;
        }

        /** Default: unlimited. */
        public Builder maxLeasesPerWorker(int maxLeasesPerWorker) {
            this.maxLeasesPerWorker = maxLeasesPerWorker;
            return this;
        }

        /** Live leases moved per balancing round. Default 5. */
        public Builder maxMovesPerRound(int maxMovesPerRound) {
            this.maxMovesPerRound = maxMovesPerRound;
            return this;
        }

        /** Throughput imbalance tolerated, as a fraction of the mean. Default 0.2. */
        public Builder throughputTolerance(double throughputTolerance) {
            this.throughputTolerance = throughputTolerance;
            return this;
        }

        public LeaseConfig build() {
            Duration heartbeat = heartbeatInterval != null ? heartbeatInterval : failoverTime.dividedBy(3);
            return new LeaseConfig(
                    failoverTime,
                    heartbeat,
                    selfFenceMargin != null ? selfFenceMargin : failoverTime.dividedBy(5),
                    pollInterval,
                    leaseScanInterval != null ? leaseScanInterval : heartbeat,
                    handoffTimeout != null ? handoffTimeout : failoverTime,
                    tickInterval,
                    new BalancerLimits(maxLeasesPerWorker, maxMovesPerRound, throughputTolerance));
        }
    }
}
