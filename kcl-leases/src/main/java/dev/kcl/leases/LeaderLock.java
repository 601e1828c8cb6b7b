package dev.kcl.leases;

import java.util.Objects;

/**
 * The leader item: which worker computes the assignment. It has no expiry of its own: the leader is alive while its
 * heartbeat is, and a successor takes over with a write conditional on {@link #term()}.
 *
 * @param leaderId the leading worker
 * @param term incremented on every change of leader
 */
public record LeaderLock(String leaderId, long term) {
    public LeaderLock {
        Objects.requireNonNull(leaderId, "leaderId");
    }
}
