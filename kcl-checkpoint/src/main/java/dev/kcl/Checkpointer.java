package dev.kcl;

/**
 * Records how far a shard has been processed, so that after a failover or restart processing resumes after the
 * checkpoint rather than from the start. Given to the processor in each input; valid while the worker holds the
 * shard's lease.
 *
 * <p>A checkpoint may not pass the last record delivered, nor go behind the current checkpoint. Once the shard has
 * ended, only {@link #checkpoint()} (which records {@code SHARD_END}) is accepted. Writes are fenced: after the lease
 * has moved to another worker they fail with {@link LeaseLostException}. Throttling and transient failures are
 * retried with backoff before {@link RetryableKclException} is thrown. No method throws a checked exception.
 *
 * <p>Thread-safe, though it is normally called from the processor's own thread.
 */
public interface Checkpointer {
    /**
     * Checkpoints everything delivered so far (at shard end: {@code SHARD_END}). Does nothing when no record has been
     * delivered yet.
     *
     * @throws LeaseLostException if the lease has moved to another worker
     * @throws RetryableKclException if the lease table stayed unavailable through every retry
     * @throws KclException on a failure that retrying will not fix, such as a missing table or permission
     */
    void checkpoint();

    /**
     * Checkpoints up to and including {@code record}.
     *
     * @throws IllegalArgumentException if the record was not yet delivered or is behind the current checkpoint, or the
     *     shard has ended
     * @throws LeaseLostException if the lease has moved to another worker
     * @throws RetryableKclException if the lease table stayed unavailable through every retry
     */
    void checkpoint(KinesisRecord record);

    /**
     * Checkpoints up to and including the record with this sequence and sub-sequence number.
     *
     * @throws IllegalArgumentException if the number is not a sequence number, passes the last record delivered or is
     *     behind the current checkpoint, or the shard has ended
     * @throws LeaseLostException if the lease has moved to another worker
     * @throws RetryableKclException if the lease table stayed unavailable through every retry
     */
    void checkpoint(String sequenceNumber, long subSequenceNumber);

    /**
     * Records a pending checkpoint for everything delivered so far without making it current (KCL's
     * {@code pendingCheckpoint}): for processors that must finish work elsewhere before committing. The same rules
     * and exceptions apply as for {@link #checkpoint()}.
     *
     * <p>The three {@code checkpoint} methods are the whole contract a checkpointer must meet; the worker's own
     * checkpointers also support prepared checkpoints, while one written for a test may leave these methods out.
     *
     * @throws UnsupportedOperationException if this checkpointer does not support prepared checkpoints
     */
    default PreparedCheckpoint prepareCheckpoint() {
        throw new UnsupportedOperationException(getClass().getName() + " does not support prepared checkpoints");
    }

    /** Records a pending checkpoint up to and including {@code record}. See {@link #prepareCheckpoint()}. */
    default PreparedCheckpoint prepareCheckpoint(KinesisRecord record) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support prepared checkpoints");
    }

    /** Records a pending checkpoint at this sequence and sub-sequence number. See {@link #prepareCheckpoint()}. */
    default PreparedCheckpoint prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support prepared checkpoints");
    }
}
