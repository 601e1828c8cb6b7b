package dev.kcl.leases;

/**
 * What the consumer layer hears from the {@link LeaseCoordinator}. Called on the coordinator's thread: return
 * quickly and do the work elsewhere.
 */
public interface LeaseListener {
    /** This worker now holds {@code lease}: start reading its shard from the lease's checkpoint. */
    void leaseGained(Lease lease);

    /**
     * This worker no longer holds the lease (another worker took it, or this worker could not heartbeat in time):
     * stop delivering its records at once; checkpoints for it will be rejected.
     */
    void leaseLost(String leaseKey, String reason);

    /**
     * The lease is to be handed to another worker: finish the batch in hand, let the processor checkpoint, then call
     * {@link LeaseCoordinator#completeHandoff(String)}. Until then the lease is still this worker's.
     */
    void handoffRequested(Lease lease);
}
