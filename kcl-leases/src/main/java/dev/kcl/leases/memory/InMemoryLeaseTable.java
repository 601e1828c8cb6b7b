package dev.kcl.leases.memory;

import dev.kcl.leases.Heartbeat;
import dev.kcl.leases.LeaderLock;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.WorkerRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A lease table in memory with the semantics of the DynamoDB one: the same conditional writes, the same outcomes.
 * For unit tests, simulations and single-process use. Thread-safe: every operation holds this object's lock.
 */
public final class InMemoryLeaseTable implements LeaseTable, WorkerRegistry {
    private final Map<String, Lease> leases = new TreeMap<>(); // guarded by this
    private final Map<String, Heartbeat> heartbeats = new TreeMap<>(); // guarded by this
    private Optional<LeaderLock> leader = Optional.empty(); // guarded by this

    @Override
    public void ensureExists() {}

    @Override
    public synchronized List<Lease> listLeases() {
        return List.copyOf(leases.values());
    }

    @Override
    public synchronized List<Lease> leasesOwnedBy(String worker) {
        return leases.values().stream().filter(l -> l.isOwnedBy(worker)).toList();
    }

    @Override
    public synchronized Optional<Lease> get(String leaseKey) {
        return Optional.ofNullable(leases.get(leaseKey));
    }

    @Override
    public synchronized boolean create(Lease lease) {
        return leases.putIfAbsent(lease.leaseKey(), lease) == null;
    }

    @Override
    public synchronized LeaseWrite assign(Lease expected, String newOwner) {
        return replaceIfCurrent(expected, current -> current.assignedTo(newOwner));
    }

    @Override
    public synchronized LeaseWrite markHandoff(Lease expected, String target) {
        Objects.requireNonNull(target, "target");
        if (expected.owner().isEmpty()) {
            throw new IllegalArgumentException("an unowned lease cannot be handed off: " + expected);
        }
        return replaceIfCurrent(expected, current -> current.markedForHandoffTo(target));
    }

    @Override
    public synchronized LeaseWrite cancelHandoff(Lease expected) {
        return replaceIfCurrent(
                expected,
                current -> current.toBuilder().handoffTo(Optional.empty()).build());
    }

    @Override
    public synchronized LeaseWrite release(Lease expected, Optional<String> successor) {
        return replaceIfCurrent(
                expected, current -> successor.map(current::assignedTo).orElseGet(current::released));
    }

    @Override
    public synchronized LeaseWrite updateProgress(Lease expected, Lease updated) {
        if (!expected.hasSameOwnershipAs(updated)) {
            throw new IllegalArgumentException(
                    "updateProgress cannot change the key, owner or counter: " + expected + " -> " + updated);
        }
        return replaceIfCurrent(
                expected,
                current -> current.toBuilder()
                        .checkpoint(updated.checkpoint())
                        .pendingCheckpoint(updated.pendingCheckpoint())
                        .ownerSwitchesSinceCheckpoint(updated.ownerSwitchesSinceCheckpoint())
                        .childShardIds(updated.childShardIds())
                        .throughputKBps(updated.throughputKBps())
                        .build());
    }

    @Override
    public synchronized LeaseWrite resetCheckpoint(Lease expected, StoredCheckpoint checkpoint) {
        java.util.Objects.requireNonNull(checkpoint, "checkpoint");
        return replaceIfCurrent(
                expected,
                current -> current.released().toBuilder()
                        .checkpoint(Optional.of(checkpoint))
                        .pendingCheckpoint(Optional.empty())
                        .ownerSwitchesSinceCheckpoint(0)
                        .build());
    }

    @Override
    public synchronized boolean delete(Lease expected) {
        if (!isCurrent(expected)) {
            return false;
        }
        leases.remove(expected.leaseKey());
        return true;
    }

    @Override
    public synchronized void heartbeat(Heartbeat heartbeat) {
        heartbeats.put(heartbeat.workerId(), heartbeat);
    }

    @Override
    public synchronized List<String> workerIds() {
        return List.copyOf(heartbeats.keySet());
    }

    @Override
    public synchronized Map<String, Heartbeat> heartbeats(Collection<String> workerIds) {
        Map<String, Heartbeat> found = new LinkedHashMap<>();
        for (String id : workerIds) {
            Heartbeat heartbeat = heartbeats.get(id);
            if (heartbeat != null) {
                found.put(id, heartbeat);
            }
        }
        return found;
    }

    @Override
    public synchronized void removeWorker(String workerId) {
        heartbeats.remove(workerId);
    }

    @Override
    public synchronized Optional<LeaderLock> leader() {
        return leader;
    }

    @Override
    public synchronized Optional<LeaderLock> claimLeadership(Optional<LeaderLock> expected, String workerId) {
        if (!leader.equals(expected)) {
            return Optional.empty();
        }
        LeaderLock lock =
                new LeaderLock(workerId, expected.map(l -> l.term() + 1).orElse(1L));
        leader = Optional.of(lock);
        return leader;
    }

    @Override
    public synchronized boolean releaseLeadership(LeaderLock expected) {
        if (!leader.equals(Optional.of(expected))) {
            return false;
        }
        leader = Optional.empty();
        return true;
    }

    /** Every lease sorted by key, for assertions. */
    public synchronized List<Lease> snapshot() {
        List<Lease> all = new ArrayList<>(leases.values());
        all.sort(Comparator.comparing(Lease::leaseKey));
        return all;
    }

    /** True if the stored lease has {@code expected}'s owner (or, like it, none) and counter. */
    private boolean isCurrent(Lease expected) {
        Lease current = leases.get(expected.leaseKey());
        return current != null && current.owner().equals(expected.owner()) && current.counter() == expected.counter();
    }

    private LeaseWrite replaceIfCurrent(Lease expected, java.util.function.UnaryOperator<Lease> change) {
        if (!isCurrent(expected)) {
            return new LeaseWrite.Conflict(expected.leaseKey());
        }
        Lease next = change.apply(leases.get(expected.leaseKey()));
        leases.put(next.leaseKey(), next);
        return new LeaseWrite.Applied(next);
    }
}
