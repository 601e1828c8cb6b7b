package dev.kcl.leases;

import java.util.Objects;

/**
 * A worker's heartbeat item: the worker is alive while {@link #counter()} keeps changing, as judged on the
 * observer's own monotonic clock; no clocks need to agree.
 *
 * @param workerId the worker
 * @param counter incremented on every heartbeat
 * @param draining true once the worker is shutting down: it gets no new leases
 */
public record Heartbeat(String workerId, long counter, boolean draining) {
    public Heartbeat {
        Objects.requireNonNull(workerId, "workerId");
    }
}
