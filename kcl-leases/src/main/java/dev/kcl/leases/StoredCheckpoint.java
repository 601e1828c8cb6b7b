package dev.kcl.leases;

import java.util.Objects;

/**
 * A checkpoint as the lease table stores it, in KCL's encoding: a sequence number, or one of the sentinel strings
 * {@code TRIM_HORIZON}, {@code LATEST}, {@code AT_TIMESTAMP} and {@code SHARD_END}, with a sub-sequence number.
 *
 * <p>The lease layer carries checkpoints without interpreting them, except to know that a shard is finished;
 * {@code kcl-checkpoint} turns them into its typed {@code Checkpoint}.
 *
 * @param sequenceNumber a decimal sequence number or a KCL sentinel
 * @param subSequenceNumber the sub-sequence number within an aggregated record, 0 when not aggregated
 */
public record StoredCheckpoint(String sequenceNumber, long subSequenceNumber) {
    /** KCL's sentinel for a shard whose every record has been processed. */
    public static final String SHARD_END = "SHARD_END";

    public StoredCheckpoint {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (sequenceNumber.isBlank()) {
            throw new IllegalArgumentException("sequenceNumber must not be blank");
        }
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber must not be negative: " + subSequenceNumber);
        }
    }

    /** A checkpoint with sub-sequence number 0. */
    public static StoredCheckpoint of(String sequenceNumber) {
        return new StoredCheckpoint(sequenceNumber, 0);
    }

    /** True when the shard has been read to its end and processed. */
    public boolean isShardEnd() {
        return SHARD_END.equals(sequenceNumber);
    }

    @Override
    public String toString() {
        return subSequenceNumber == 0 ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
    }
}
