package dev.kcl.leases;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint as the lease table stores it, in KCL's encoding: a sequence number, or one of the sentinel strings
 * {@code TRIM_HORIZON}, {@code LATEST}, {@code AT_TIMESTAMP} and {@code SHARD_END}, with a sub-sequence number.
 *
 * <p>The lease layer carries checkpoints without interpreting them, except to know that a shard is finished;
 * {@code kcl-checkpoint} turns them into its typed {@code Checkpoint}.
 *
 * <p>KCL stores {@code AT_TIMESTAMP} without the time, which then comes from the application's configured initial
 * position. kcl can store the time beside it ({@code checkpointTimestamp}), as {@code kcl reset --to timestamp=...}
 * does; KCL ignores that attribute.
 *
 * @param sequenceNumber a decimal sequence number or a KCL sentinel
 * @param subSequenceNumber the sub-sequence number within an aggregated record, 0 when not aggregated
 * @param timestamp with {@code AT_TIMESTAMP} only: the time to start at, to the millisecond; empty to use the
 *     configured initial position
 */
public record StoredCheckpoint(String sequenceNumber, long subSequenceNumber, Optional<Instant> timestamp) {
    /** KCL's sentinel for a shard whose every record has been processed. */
    public static final String SHARD_END = "SHARD_END";
    /** KCL's sentinel for a shard to be read from a point in time. */
    public static final String AT_TIMESTAMP = "AT_TIMESTAMP";

    public StoredCheckpoint {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (sequenceNumber.isBlank()) {
            throw new IllegalArgumentException("sequenceNumber must not be blank");
        }
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber must not be negative: " + subSequenceNumber);
        }
        Objects.requireNonNull(timestamp, "timestamp");
        if (timestamp.isPresent() && !AT_TIMESTAMP.equals(sequenceNumber)) {
            throw new IllegalArgumentException(
                    "only an AT_TIMESTAMP checkpoint has a timestamp, not " + sequenceNumber);
        }
        timestamp = timestamp.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
    }

    /** A checkpoint without a timestamp of its own. */
    public StoredCheckpoint(String sequenceNumber, long subSequenceNumber) {
        this(sequenceNumber, subSequenceNumber, Optional.empty());
    }

    /** {@code AT_TIMESTAMP} with its time stored beside it. */
    public static StoredCheckpoint atTimestamp(Instant timestamp) {
        return new StoredCheckpoint(AT_TIMESTAMP, 0, Optional.of(Objects.requireNonNull(timestamp, "timestamp")));
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
        if (timestamp.isPresent()) {
            return sequenceNumber + "(" + timestamp.get() + ")";
        }
        return subSequenceNumber == 0 ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
    }
}
