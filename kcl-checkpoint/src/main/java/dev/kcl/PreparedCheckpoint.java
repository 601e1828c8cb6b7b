package dev.kcl;

/**
 * A checkpoint written as pending; {@link #commit()} makes it current. If the worker fails before committing, the
 * next owner of the shard still resumes from the last committed checkpoint.
 */
public interface PreparedCheckpoint {
    /** The prepared position: a sequence number, or {@code SHARD_END}. */
    String sequenceNumber();

    long subSequenceNumber();

    /**
     * Makes the prepared checkpoint current.
     *
     * @throws IllegalArgumentException if the checkpoint has since moved past it
     * @throws LeaseLostException if the lease has moved to another worker
     * @throws RetryableKclException if the lease table stayed unavailable through every retry
     */
    void commit();
}
