package dev.kcl.checkpoint;

import dev.kcl.Checkpointer;
import dev.kcl.KclException;
import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostException;
import dev.kcl.PreparedCheckpoint;
import dev.kcl.RetryableKclException;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.time.Backoff;
import dev.kcl.time.Sleeper;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Checkpointer} of one shard consumer: validates each checkpoint against what was delivered and what is
 * already committed, then writes it to the lease, fenced on owner and counter, retrying transient failures.
 *
 * <p>The consumer tells it what it delivers ({@link #delivered}) and when the shard has ended ({@link #shardEnded});
 * the processor calls the {@link Checkpointer} methods. Thread-safe: calls are serialized, so checkpoints are
 * written in the order they are made.
 */
public final class ShardCheckpointer implements Checkpointer {
    private static final Logger log = LoggerFactory.getLogger(ShardCheckpointer.class);

    private final String shardId;
    private final CheckpointStore store;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final CheckpointObserver observer;

    private StoredCheckpoint committed; // guarded by this
    private Checkpoint.After lastDelivered; // guarded by this; null until a record is delivered
    private boolean shardEnded; // guarded by this

    /**
     * @param start the checkpoint the shard starts from, as stored in the lease
     */
    public ShardCheckpointer(
            String shardId, StoredCheckpoint start, CheckpointStore store, Backoff backoff, Sleeper sleeper) {
        this(shardId, start, store, backoff, sleeper, CheckpointObserver.none());
    }

    /**
     * @param start the checkpoint the shard starts from, as stored in the lease
     * @param observer hears each write's outcome
     */
    public ShardCheckpointer(
            String shardId,
            StoredCheckpoint start,
            CheckpointStore store,
            Backoff backoff,
            Sleeper sleeper,
            CheckpointObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.committed = Objects.requireNonNull(start, "start");
        this.store = Objects.requireNonNull(store, "store");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The consumer is about to deliver records up to and including this one. It may be behind an earlier call: when
     * part of a failed batch is delivered again, "everything delivered so far" is that part.
     */
    public synchronized void delivered(String sequenceNumber, long subSequenceNumber) {
        lastDelivered = Checkpoint.After.of(sequenceNumber, subSequenceNumber);
    }

    /** Every record of the shard has been delivered: from now on only {@code SHARD_END} is accepted. */
    public synchronized void shardEnded() {
        shardEnded = true;
    }

    /** The last checkpoint written (or the starting one). */
    public synchronized StoredCheckpoint committed() {
        return committed;
    }

    /** The last record delivered, if any. */
    public synchronized Optional<Checkpoint.After> lastDelivered() {
        return Optional.ofNullable(lastDelivered);
    }

    @Override
    public synchronized void checkpoint() {
        if (shardEnded) {
            if (!committed.isShardEnd()) {
                write(StoredCheckpoint.of(Checkpoint.SHARD_END), false);
            }
            return;
        }
        if (lastDelivered == null) {
            return; // nothing delivered, nothing to record
        }
        checkpointAt(lastDelivered);
    }

    @Override
    public void checkpoint(KinesisRecord record) {
        Objects.requireNonNull(record, "record");
        checkpoint(record.sequenceNumber(), record.subSequenceNumber());
    }

    @Override
    public synchronized void checkpoint(String sequenceNumber, long subSequenceNumber) {
        checkpointAt(validate(sequenceNumber, subSequenceNumber));
    }

    @Override
    public synchronized PreparedCheckpoint prepareCheckpoint() {
        if (shardEnded) {
            return prepare(StoredCheckpoint.of(Checkpoint.SHARD_END));
        }
        if (lastDelivered == null) {
            throw new IllegalArgumentException(shardId + ": no record has been delivered yet: nothing to prepare");
        }
        return prepare(lastDelivered.toStored());
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint(KinesisRecord record) {
        Objects.requireNonNull(record, "record");
        return prepareCheckpoint(record.sequenceNumber(), record.subSequenceNumber());
    }

    @Override
    public synchronized PreparedCheckpoint prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
        return prepare(validate(sequenceNumber, subSequenceNumber).toStored());
    }

    private void checkpointAt(Checkpoint.After target) {
        Optional<Checkpoint.After> current = committedPosition();
        if (current.isPresent() && current.get().compareTo(target) >= 0) {
            return; // already there, or past it: a checkpoint never goes back
        }
        write(target.toStored(), false);
    }

    /** Checks a requested checkpoint against the shard's state; every message names both numbers. */
    private Checkpoint.After validate(String sequenceNumber, long subSequenceNumber) {
        if (shardEnded) {
            throw new IllegalArgumentException(shardId + " has ended: only checkpoint() (SHARD_END) is accepted, not "
                    + sequenceNumber + "/" + subSequenceNumber);
        }
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException(
                    shardId + ": sub-sequence number must not be negative, was " + subSequenceNumber);
        }
        Checkpoint.After target = new Checkpoint.After(SequenceNumber.parse(sequenceNumber), subSequenceNumber);
        if (lastDelivered == null) {
            throw new IllegalArgumentException(shardId + ": checkpoint " + target
                    + " passes the last record delivered: no record has been delivered yet");
        }
        if (target.compareTo(lastDelivered) > 0) {
            throw new IllegalArgumentException(
                    shardId + ": checkpoint " + target + " passes the last record delivered, " + lastDelivered);
        }
        if (committed.isShardEnd()) {
            throw new IllegalArgumentException(
                    shardId + ": checkpoint " + target + " is behind the current checkpoint, SHARD_END");
        }
        Optional<Checkpoint.After> current = committedPosition();
        if (current.isPresent() && target.compareTo(current.get()) < 0) {
            throw new IllegalArgumentException(
                    shardId + ": checkpoint " + target + " is behind the current checkpoint, " + current.get());
        }
        return target;
    }

    private Optional<Checkpoint.After> committedPosition() {
        return SequenceNumber.isSequenceNumber(committed.sequenceNumber())
                ? Optional.of(Checkpoint.After.of(committed.sequenceNumber(), committed.subSequenceNumber()))
                : Optional.empty();
    }

    private PreparedCheckpoint prepare(StoredCheckpoint target) {
        write(target, true);
        return new Prepared(target);
    }

    /** The prepared checkpoint; committing re-checks that the checkpoint has not moved past it since. */
    private final class Prepared implements PreparedCheckpoint {
        private final StoredCheckpoint target;

        Prepared(StoredCheckpoint target) {
            this.target = target;
        }

        @Override
        public String sequenceNumber() {
            return target.sequenceNumber();
        }

        @Override
        public long subSequenceNumber() {
            return target.subSequenceNumber();
        }

        @Override
        public void commit() {
            synchronized (ShardCheckpointer.this) {
                if (target.isShardEnd()) {
                    if (!committed.isShardEnd()) {
                        write(target, false);
                    }
                    return;
                }
                Checkpoint.After position = Checkpoint.After.of(target.sequenceNumber(), target.subSequenceNumber());
                Optional<Checkpoint.After> current = committedPosition();
                if (committed.isShardEnd() || current.isPresent() && position.compareTo(current.get()) < 0) {
                    throw new IllegalArgumentException(shardId + ": prepared checkpoint " + position
                            + " is behind the current checkpoint, "
                            + (committed.isShardEnd()
                                    ? "SHARD_END"
                                    : current.get().toString()));
                }
                write(target, false);
            }
        }

        @Override
        public String toString() {
            return "PreparedCheckpoint[" + shardId + " " + target + "]";
        }
    }

    /** A fenced write, retried with backoff on transient failures. */
    private void write(StoredCheckpoint target, boolean pending) {
        UnaryOperator<Lease> change = pending
                ? lease ->
                        lease.toBuilder().pendingCheckpoint(Optional.of(target)).build()
                : lease -> lease.toBuilder()
                        .checkpoint(target)
                        .pendingCheckpoint(Optional.empty())
                        .ownerSwitchesSinceCheckpoint(0)
                        .build();
        String what = (pending ? "prepared checkpoint " : "checkpoint ") + target;
        LeaseTableException unanswered = null; // an earlier attempt whose outcome is unknown: it may have applied
        for (int attempt = 1; ; attempt++) {
            try {
                LeaseWrite write = store.update(shardId, change);
                if (write instanceof LeaseWrite.Applied applied) {
                    if (!pending) {
                        committed = applied.stored().checkpoint().orElse(target);
                    }
                    log.debug("{} {} written", shardId, what);
                    observer.written(shardId);
                    return;
                }
                LeaseLostException lost = new LeaseLostException(
                        shardId,
                        "the lease has moved to another worker; "
                                + what
                                + (unanswered == null
                                        ? " was not written"
                                        : " may have been written by an earlier attempt that got no answer ("
                                                + unanswered.getMessage() + ")"));
                observer.failed(shardId, lost);
                throw lost;
            } catch (LeaseTableException e) {
                if (!e.retryable()) {
                    observer.failed(shardId, e);
                    log.warn("{} {} failed: {}", shardId, what, e.getMessage());
                    throw new KclException(shardId + ": " + what + " failed: " + e.getMessage(), e);
                }
                if (attempt >= backoff.maxAttempts()) {
                    observer.failed(shardId, e);
                    log.warn("{} {} failed after {} attempts: {}", shardId, what, attempt, e.getMessage());
                    throw new RetryableKclException(
                            shardId + ": " + what + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                unanswered = e;
                sleeper.sleep(backoff.delay(attempt));
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "ShardCheckpointer[" + shardId + " committed=" + committed + " delivered="
                + (lastDelivered == null ? "-" : lastDelivered) + (shardEnded ? " ended" : "") + "]";
    }
}
