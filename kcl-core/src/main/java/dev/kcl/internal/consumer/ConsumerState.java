package dev.kcl.internal.consumer;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle of one shard consumer. Each processor gets {@code initialize}, then batches, then exactly one of
 * {@code shardEnded}, {@code leaseLost} or {@code shutdownRequested}; the states below make that so.
 *
 * <pre>
 * WAITING_ON_PARENTS ──▶ INITIALIZING ──▶ PROCESSING ──▶ SHARD_ENDED ──────────┐
 *        │                   │   │            │   │                           ▼
 *        │                   │   └────────────┼───┴──▶ SHUTDOWN_REQUESTED ──▶ SHUT_DOWN
 *        │                   └────────────────┴──────▶ LEASE_LOST ─────────▶ SHUT_DOWN
 *        └──────────────────────────────────────────────────────────────────▶ SHUT_DOWN
 * </pre>
 */
enum ConsumerState {
    /** Blocked until every parent shard's lease shows SHARD_END (or is gone). No processor exists yet. */
    WAITING_ON_PARENTS,
    /** The processor has been created and {@code initialize} is being called. */
    INITIALIZING,
    /** Batches are delivered to {@code processRecords}. */
    PROCESSING,
    /** The shard was read to its end: {@code shardEnded} must checkpoint SHARD_END before the children may start. */
    SHARD_ENDED,
    /** Another worker holds the lease: {@code leaseLost} is called, checkpoints are refused. */
    LEASE_LOST,
    /** The worker shuts down or hands the lease over: {@code shutdownRequested} may checkpoint a last time. */
    SHUTDOWN_REQUESTED,
    /** Finished; the processor gets no more calls. */
    SHUT_DOWN;

    private static final Map<ConsumerState, Set<ConsumerState>> NEXT = Map.of(
            WAITING_ON_PARENTS, EnumSet.of(INITIALIZING, SHUT_DOWN),
            INITIALIZING, EnumSet.of(PROCESSING, LEASE_LOST, SHUTDOWN_REQUESTED),
            PROCESSING, EnumSet.of(SHARD_ENDED, LEASE_LOST, SHUTDOWN_REQUESTED),
            SHARD_ENDED, EnumSet.of(SHUT_DOWN),
            LEASE_LOST, EnumSet.of(SHUT_DOWN),
            SHUTDOWN_REQUESTED, EnumSet.of(SHUT_DOWN),
            SHUT_DOWN, EnumSet.noneOf(ConsumerState.class));

    boolean canMoveTo(ConsumerState next) {
        return NEXT.get(this).contains(next);
    }
}
