package dev.kcl.leases;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Worker heartbeats and the leader item. They live in the lease table beside the leases, told apart by an
 * {@code entityType} attribute, so an application has exactly one table. Implementations are thread-safe.
 */
public interface WorkerRegistry {
    /** Writes the worker's heartbeat item. */
    void heartbeat(Heartbeat heartbeat);

    /** The ids of the workers with a heartbeat item. Served from an index: may lag by a moment. */
    List<String> workerIds();

    /** The heartbeat items of these workers, read consistently; absent workers are left out. */
    Map<String, Heartbeat> heartbeats(Collection<String> workerIds);

    /** Deletes the worker's heartbeat item. */
    void removeWorker(String workerId);

    /** The leader item, read consistently. */
    Optional<LeaderLock> leader();

    /**
     * Makes {@code workerId} leader if the leader item still is {@code expected} (or still absent when
     * {@code expected} is empty); returns the new lock, or empty if somebody else changed it first.
     */
    Optional<LeaderLock> claimLeadership(Optional<LeaderLock> expected, String workerId);

    /** Deletes the leader item if it still is {@code expected}, so another worker can lead at once. */
    boolean releaseLeadership(LeaderLock expected);
}
