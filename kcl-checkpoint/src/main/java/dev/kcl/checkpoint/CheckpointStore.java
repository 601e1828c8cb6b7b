package dev.kcl.checkpoint;

import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseWrite;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where a worker's checkpoints for the leases it holds are written: fenced writes to the lease item. Production code
 * uses {@link #of(LeaseCoordinator)}; tests and tools can write through a lease table directly.
 */
public interface CheckpointStore {
    /** The lease as this worker holds it, or empty if it does not hold it. */
    Optional<Lease> lease(String leaseKey);

    /**
     * Applies {@code change} to the held lease's progress with a write conditional on owner and counter.
     *
     * @throws dev.kcl.leases.LeaseTableException when the table could not be reached; the write may have applied
     */
    LeaseWrite update(String leaseKey, UnaryOperator<Lease> change);

    /** Writes through the coordinator, which keeps its snapshot of the lease current and notices a lost lease. */
    static CheckpointStore of(LeaseCoordinator coordinator) {
        Objects.requireNonNull(coordinator, "coordinator");
        return new CheckpointStore() {
            @Override
            public Optional<Lease> lease(String leaseKey) {
                return coordinator.heldLease(leaseKey);
            }

            @Override
            public LeaseWrite update(String leaseKey, UnaryOperator<Lease> change) {
                return coordinator.updateProgress(leaseKey, change);
            }
        };
    }

    /**
     * Writes through the coordinator for one holding of the lease: the one with {@code counter}. If the lease leaves
     * this worker and comes back, the new holding has a new counter and this store's writes are refused, so a consumer
     * of the old holding that is still finishing a batch cannot checkpoint for the new one.
     */
    static CheckpointStore of(LeaseCoordinator coordinator, long counter) {
        Objects.requireNonNull(coordinator, "coordinator");
        return new CheckpointStore() {
            @Override
            public Optional<Lease> lease(String leaseKey) {
                return coordinator.heldLease(leaseKey).filter(l -> l.counter() == counter);
            }

            @Override
            public LeaseWrite update(String leaseKey, UnaryOperator<Lease> change) {
                return coordinator.updateProgress(leaseKey, counter, change);
            }
        };
    }

    /** Writes straight to a lease table as {@code owner}, reading the lease before each write. */
    static CheckpointStore of(LeaseTable table, String owner) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(owner, "owner");
        return new CheckpointStore() {
            @Override
            public Optional<Lease> lease(String leaseKey) {
                return table.get(leaseKey).filter(l -> l.isOwnedBy(owner));
            }

            @Override
            public LeaseWrite update(String leaseKey, UnaryOperator<Lease> change) {
                Optional<Lease> current = lease(leaseKey);
                if (current.isEmpty()) {
                    return new LeaseWrite.Conflict(leaseKey);
                }
                return table.updateProgress(current.get(), change.apply(current.get()));
            }
        };
    }
}
