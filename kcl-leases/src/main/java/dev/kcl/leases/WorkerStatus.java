package dev.kcl.leases;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A worker's heartbeat item as an operator sees it. Liveness inside the library never reads the wall-clock fields
 * (workers judge each other by the counter changing, on their own monotonic clocks); these are for tools that look
 * at the table once, such as {@code kcl workers}.
 *
 * @param workerId the worker
 * @param heartbeatCounter incremented on every heartbeat
 * @param draining true while the worker shuts down
 * @param heartbeatAt the worker's wall-clock time when it last wrote its heartbeat, if it recorded one
 * @param failoverTime the worker's failover time, if it recorded one
 */
public record WorkerStatus(
        String workerId,
        long heartbeatCounter,
        boolean draining,
        Optional<Instant> heartbeatAt,
        Optional<Duration> failoverTime) {
    public WorkerStatus {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        Objects.requireNonNull(failoverTime, "failoverTime");
    }

    /** How long ago the heartbeat was written, by {@code now} on the reader's wall clock, if the time is known. */
    public Optional<Duration> heartbeatAge(Instant now) {
        return heartbeatAt.map(at -> Duration.between(at, now));
    }

    /**
     * Whether the worker looks alive to someone reading the table once at {@code now}: its heartbeat is younger than
     * its failover time plus {@code clockSkew}. Empty when the item lacks the time or the failover time (written by
     * an older version), so a caller can decide how careful to be.
     */
    public Optional<Boolean> alive(Instant now, Duration clockSkew) {
        if (heartbeatAt.isEmpty() || failoverTime.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                heartbeatAge(now).orElseThrow().compareTo(failoverTime.get().plus(clockSkew)) < 0);
    }
}
