package dev.kcl.leases;

import java.util.List;
import java.util.Optional;

/**
 * The lease table, in domain words. Implementations: {@code DynamoDbLeaseTable} and {@code InMemoryLeaseTable}; one
 * contract test suite runs against both.
 *
 * <p>Every write that changes a lease is conditional on the owner and counter of {@code expected}, the snapshot the
 * caller last read: a {@link LeaseWrite.Conflict} means somebody else changed the lease first. Transport failures
 * throw {@link LeaseTableException}; such a write may or may not have been applied. Implementations are
 * thread-safe.
 */
public interface LeaseTable {
    /** Creates the table and the indexes this library needs if they are missing, and waits until they are usable. */
    void ensureExists();

    /** Every lease in the table, read consistently. Heartbeat and leader items are not leases. */
    List<Lease> listLeases();

    /** The leases {@code worker} owns. Served from an index: may lag recent writes by a moment. */
    List<Lease> leasesOwnedBy(String worker);

    /** One lease, read consistently. */
    Optional<Lease> get(String leaseKey);

    /** Stores a new lease; false if a lease with its key already exists. */
    boolean create(Lease lease);

    /** Gives the lease to {@code newOwner}, incrementing the counter and ending any handoff. */
    LeaseWrite assign(Lease expected, String newOwner);

    /** Marks the lease for handoff to {@code target}; owner and counter stay, so the owner can still checkpoint. */
    LeaseWrite markHandoff(Lease expected, String target);

    /** Clears a handoff mark; owner and counter stay. */
    LeaseWrite cancelHandoff(Lease expected);

    /**
     * The owner lets the lease go, to {@code successor} or to nobody, incrementing the counter: the last step of a
     * graceful handoff.
     */
    LeaseWrite release(Lease expected, Optional<String> successor);

    /**
     * Writes the owner's progress: the checkpoint, pending checkpoint, owner switches since checkpoint, child shard
     * ids and throughput of {@code updated}. Ownership, counter and handoff are not changed, and {@code updated} must
     * carry the same ones as {@code expected}.
     */
    LeaseWrite updateProgress(Lease expected, Lease updated);

    /**
     * An operator's reset: sets the checkpoint and takes the lease from its owner in one fenced write. The owner is
     * removed, the counter incremented, and the pending checkpoint and any handoff cleared, so a worker still holding
     * the lease stops (its next write is refused) and whoever gets it next starts from {@code checkpoint}.
     */
    LeaseWrite resetCheckpoint(Lease expected, StoredCheckpoint checkpoint);

    /**
     * Deletes the lease if it still has {@code expected}'s owner and counter, like every other lease write (an
     * unowned {@code expected} matches only a lease that still has no owner); false if it does not, or is gone.
     */
    boolean delete(Lease expected);
}
