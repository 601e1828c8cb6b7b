package dev.kcl;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Lifecycle of a {@link Worker}; when it is {@link #FAILED}, {@link Worker#failure()} says why. */
public enum WorkerState {
    /** Built, not started. */
    CREATED,
    /** {@link Worker#start()} is checking the stream and the lease table. */
    STARTING,
    /** Consuming. */
    RUNNING,
    /** Handing its leases off. */
    SHUTTING_DOWN,
    /** Shut down; its threads are stopped. */
    STOPPED,
    /** Could not start or had to stop: see {@link Worker#failure()}. */
    FAILED;

    private static final Map<WorkerState, Set<WorkerState>> NEXT = Map.of(
            CREATED, EnumSet.of(STARTING, STOPPED),
            STARTING, EnumSet.of(RUNNING, FAILED),
            RUNNING, EnumSet.of(SHUTTING_DOWN, FAILED),
            SHUTTING_DOWN, EnumSet.of(STOPPED, FAILED),
            STOPPED, EnumSet.noneOf(WorkerState.class),
            FAILED, EnumSet.noneOf(WorkerState.class));

    boolean canMoveTo(WorkerState next) {
        return NEXT.get(this).contains(next);
    }
}
