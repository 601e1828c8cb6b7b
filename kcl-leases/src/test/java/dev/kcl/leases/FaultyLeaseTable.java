package dev.kcl.leases;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Wraps a lease table and registry and injects the failures DynamoDB can show: throttling (nothing applied),
 * timeouts before the write, and the worst one, a write that was applied but reported failed. Also counts calls, so
 * tests can measure what the protocol costs.
 */
final class FaultyLeaseTable implements LeaseTable, WorkerRegistry {
    private final LeaseTable table;
    private final WorkerRegistry registry;
    private final Random random;
    private volatile double faultRate;
    private volatile boolean failHeartbeats;
    private volatile boolean heartbeatFailureRetryable = true;
    private volatile boolean down;
    private volatile boolean failOwnerQueries;
    private volatile double indexRefreshRate = 1;
    private List<Lease> indexView; // guarded by this: what the lagging owner index shows
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong heartbeatWrites = new AtomicLong();
    final AtomicLong faults = new AtomicLong();
    /** Calls per operation, named as the DynamoDB request each one makes. */
    final Map<String, AtomicLong> calls = new java.util.concurrent.ConcurrentHashMap<>();

    FaultyLeaseTable(LeaseTable table, WorkerRegistry registry, Random random) {
        this.table = table;
        this.registry = registry;
        this.random = random;
    }

    /** Each call fails with this probability, in one of the three ways at random. */
    void faultRate(double rate) {
        this.faultRate = rate;
    }

    void failHeartbeats(boolean fail) {
        this.failHeartbeats = fail;
    }

    /** Heartbeats fail as when the table was deleted: a retry cannot help. */
    void failHeartbeatsPermanently() {
        this.heartbeatFailureRetryable = false;
        this.failHeartbeats = true;
    }

    /** Queries of the owner index fail (throttled), while every other call goes through. */
    void failOwnerQueries(boolean fail) {
        this.failOwnerQueries = fail;
    }

    /**
     * The owner index lags, as a DynamoDB global secondary index does: each query sees the table as it was at some
     * earlier query, catching up with this probability per query. Gains and losses show late, or show a lease that
     * has moved on since.
     */
    void laggingIndex(double refreshRate) {
        this.indexRefreshRate = refreshRate;
    }

    private synchronized List<Lease> indexView() {
        if (indexView == null || random.nextDouble() < indexRefreshRate) {
            indexView = table.listLeases();
        }
        return indexView;
    }

    /** Every call fails, as when the network to DynamoDB is cut. */
    void down(boolean down) {
        this.down = down;
    }

    private void count(String operation) {
        calls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }

    private <T> T read(String operation, Supplier<T> call) {
        count(operation);
        reads.incrementAndGet();
        if (down || (faultRate > 0 && nextDouble() < faultRate)) {
            faults.incrementAndGet();
            throw new LeaseTableException("injected read failure", true);
        }
        return call.get();
    }

    private <T> T write(String operation, Supplier<T> call) {
        count(operation);
        writes.incrementAndGet();
        if (down) {
            faults.incrementAndGet();
            throw new LeaseTableException("injected outage", true);
        }
        if (faultRate > 0 && nextDouble() < faultRate) {
            faults.incrementAndGet();
            if (nextBoolean()) {
                throw new LeaseTableException("injected throttling", true);
            }
            call.get(); // applied, but the caller hears a timeout
            throw new LeaseTableException("injected timeout after the write applied", true);
        }
        return call.get();
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private synchronized boolean nextBoolean() {
        return random.nextBoolean();
    }

    @Override
    public void ensureExists() {
        table.ensureExists();
    }

    @Override
    public List<Lease> listLeases() {
        return read("Scan leases", table::listLeases);
    }

    @Override
    public List<Lease> leasesOwnedBy(String worker) {
        if (failOwnerQueries) {
            count("Query leaseOwner-index");
            reads.incrementAndGet();
            faults.incrementAndGet();
            throw new LeaseTableException("injected throttling of the owner index", true);
        }
        if (indexRefreshRate < 1) {
            return read(
                    "Query leaseOwner-index",
                    () -> indexView().stream().filter(l -> l.isOwnedBy(worker)).toList());
        }
        return read("Query leaseOwner-index", () -> table.leasesOwnedBy(worker));
    }

    @Override
    public Optional<Lease> get(String leaseKey) {
        return read("GetItem lease", () -> table.get(leaseKey));
    }

    @Override
    public boolean create(Lease lease) {
        return write("PutItem lease", () -> table.create(lease));
    }

    @Override
    public LeaseWrite assign(Lease expected, String newOwner) {
        return write("UpdateItem assign", () -> table.assign(expected, newOwner));
    }

    @Override
    public LeaseWrite markHandoff(Lease expected, String target) {
        return write("UpdateItem markHandoff", () -> table.markHandoff(expected, target));
    }

    @Override
    public LeaseWrite cancelHandoff(Lease expected) {
        return write("UpdateItem cancelHandoff", () -> table.cancelHandoff(expected));
    }

    @Override
    public LeaseWrite release(Lease expected, Optional<String> successor) {
        return write("UpdateItem release", () -> table.release(expected, successor));
    }

    @Override
    public LeaseWrite updateProgress(Lease expected, Lease updated) {
        return write("UpdateItem progress", () -> table.updateProgress(expected, updated));
    }

    @Override
    public LeaseWrite resetCheckpoint(Lease expected, StoredCheckpoint checkpoint) {
        return write("UpdateItem reset", () -> table.resetCheckpoint(expected, checkpoint));
    }

    @Override
    public boolean delete(Lease expected) {
        return write("DeleteItem lease", () -> table.delete(expected));
    }

    @Override
    public void heartbeat(Heartbeat heartbeat) {
        heartbeatWrites.incrementAndGet();
        if (failHeartbeats) {
            count("PutItem heartbeat");
            writes.incrementAndGet();
            faults.incrementAndGet();
            throw new LeaseTableException("injected heartbeat failure", heartbeatFailureRetryable);
        }
        write("PutItem heartbeat", () -> {
            registry.heartbeat(heartbeat);
            return null;
        });
    }

    @Override
    public List<String> workerIds() {
        return read("Query entityType-index", registry::workerIds);
    }

    @Override
    public Map<String, Heartbeat> heartbeats(Collection<String> workerIds) {
        return read("BatchGetItem heartbeats", () -> registry.heartbeats(workerIds));
    }

    @Override
    public void removeWorker(String workerId) {
        write("DeleteItem heartbeat", () -> {
            registry.removeWorker(workerId);
            return null;
        });
    }

    @Override
    public Optional<LeaderLock> leader() {
        return read("GetItem leader", registry::leader);
    }

    @Override
    public Optional<LeaderLock> claimLeadership(Optional<LeaderLock> expected, String workerId) {
        return write("PutItem leader", () -> registry.claimLeadership(expected, workerId));
    }

    @Override
    public boolean releaseLeadership(LeaderLock expected) {
        return write("DeleteItem leader", () -> registry.releaseLeadership(expected));
    }
}
