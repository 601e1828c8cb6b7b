package dev.kcl.testing;

import dev.kcl.Checkpointer;
import dev.kcl.KinesisRecord;
import dev.kcl.PreparedCheckpoint;
import dev.kcl.checkpoint.CheckpointStore;
import dev.kcl.checkpoint.ShardCheckpointer;
import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Checkpointer} for unit tests of your processor: it validates exactly as the real one does (no checkpoint
 * past the last record delivered or behind the current one, only SHARD_END at shard end) and records every
 * checkpoint written. Used by {@link ProcessorHarness}; thread-safe.
 */
public final class RecordingCheckpointer implements Checkpointer {
    private final ShardCheckpointer delegate;
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final InMemoryLeaseTable table = new InMemoryLeaseTable();
    private final String shardId;

    public RecordingCheckpointer(String shardId) {
        this.shardId = shardId;
        Lease lease = Lease.create(shardId, StoredCheckpoint.of("TRIM_HORIZON"), Set.of());
        table.create(lease);
        table.assign(lease, "test");
        CheckpointStore store = CheckpointStore.of(table, "test");
        CheckpointStore recording = new CheckpointStore() {
            @Override
            public Optional<Lease> lease(String leaseKey) {
                return store.lease(leaseKey);
            }

            @Override
            public dev.kcl.leases.LeaseWrite update(String leaseKey, java.util.function.UnaryOperator<Lease> change) {
                dev.kcl.leases.LeaseWrite write = store.update(leaseKey, change);
                if (write instanceof dev.kcl.leases.LeaseWrite.Applied applied) {
                    Lease stored = applied.stored();
                    stored.pendingCheckpoint()
                            .ifPresentOrElse(
                                    p -> written.add("prepared " + p),
                                    () -> stored.checkpoint().ifPresent(c -> written.add(c.toString())));
                }
                return write;
            }
        };
        this.delegate = new ShardCheckpointer(
                shardId,
                StoredCheckpoint.of("TRIM_HORIZON"),
                recording,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1),
                d -> {});
    }

    /** Tells the checkpointer that records up to and including this one were delivered. */
    public void delivered(KinesisRecord last) {
        delegate.delivered(last.sequenceNumber(), last.subSequenceNumber());
    }

    /** From now on only SHARD_END is accepted. */
    public void shardEnded() {
        delegate.shardEnded();
    }

    /**
     * Every checkpoint written, in order: a sequence number ({@code "123"}, or {@code "123/4"} inside an aggregated
     * record), {@code "SHARD_END"}, or {@code "prepared 123"}.
     */
    public List<String> checkpoints() {
        return List.copyOf(written);
    }

    /** The current checkpoint: {@code TRIM_HORIZON} until the first one is written. */
    public String current() {
        return delegate.committed().toString();
    }

    @Override
    public void checkpoint() {
        delegate.checkpoint();
    }

    @Override
    public void checkpoint(KinesisRecord record) {
        delegate.checkpoint(record);
    }

    @Override
    public void checkpoint(String sequenceNumber, long subSequenceNumber) {
        delegate.checkpoint(sequenceNumber, subSequenceNumber);
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint() {
        return delegate.prepareCheckpoint();
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint(KinesisRecord record) {
        return delegate.prepareCheckpoint(record);
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
        return delegate.prepareCheckpoint(sequenceNumber, subSequenceNumber);
    }

    @Override
    public String toString() {
        return "RecordingCheckpointer[" + shardId + " " + current() + "]";
    }
}
