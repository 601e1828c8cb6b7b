package dev.kcl.checkpoint;

import dev.kcl.leases.StoredCheckpoint;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a shard consumer resumes. Replaces KCL's negative-number sentinels with a type; the sentinel strings
 * ({@code TRIM_HORIZON}, {@code LATEST}, {@code AT_TIMESTAMP}, {@code SHARD_END}) exist only in the stored form.
 */
public sealed interface Checkpoint {
    String TRIM_HORIZON = "TRIM_HORIZON";
    String LATEST = "LATEST";
    String AT_TIMESTAMP = "AT_TIMESTAMP";
    String SHARD_END = StoredCheckpoint.SHARD_END;

    /** Nothing processed yet: start at the oldest record the stream still holds. */
    record TrimHorizon() implements Checkpoint {}

    /** Nothing processed yet: start with records written from now on. */
    record Latest() implements Checkpoint {}

    /** Nothing processed yet: start with records that arrived at or after {@code timestamp}. */
    record AtTimestamp(Instant timestamp) implements Checkpoint {
        public AtTimestamp {
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }

    /**
     * Processed up to and including the record with this sequence number and, for an aggregated record, this
     * sub-sequence number: resume after it.
     */
    record After(SequenceNumber sequenceNumber, long subSequenceNumber) implements Checkpoint, Comparable<After> {
        private static final Comparator<After> ORDER =
                Comparator.comparing(After::sequenceNumber).thenComparingLong(After::subSequenceNumber);

        public After {
            Objects.requireNonNull(sequenceNumber, "sequenceNumber");
            if (subSequenceNumber < 0) {
                throw new IllegalArgumentException("subSequenceNumber must not be negative: " + subSequenceNumber);
            }
        }

        public static After of(String sequenceNumber, long subSequenceNumber) {
            return new After(SequenceNumber.parse(sequenceNumber), subSequenceNumber);
        }

        @Override
        public int compareTo(After other) {
            return ORDER.compare(this, other);
        }

        @Override
        public String toString() {
            return subSequenceNumber == 0 ? sequenceNumber.toString() : sequenceNumber + "/" + subSequenceNumber;
        }
    }

    /** Every record of the shard has been processed; its children may start. */
    record ShardEnd() implements Checkpoint {}

    /** The stored (KCL) encoding. */
    default StoredCheckpoint toStored() {
        if (this instanceof After after) {
            return new StoredCheckpoint(after.sequenceNumber().toString(), after.subSequenceNumber());
        }
        if (this instanceof TrimHorizon) {
            return StoredCheckpoint.of(TRIM_HORIZON);
        }
        if (this instanceof Latest) {
            return StoredCheckpoint.of(LATEST);
        }
        if (this instanceof AtTimestamp at) {
            return StoredCheckpoint.atTimestamp(at.timestamp()); // KCL reads the sentinel and ignores the time
        }
        if (this instanceof ShardEnd) {
            return StoredCheckpoint.of(SHARD_END);
        }
        // Java 17 has no exhaustive pattern switch: a new permitted type must be encoded above, never as SHARD_END
        throw new IllegalStateException("no stored encoding for " + getClass().getName());
    }

    /**
     * Reads a stored checkpoint. KCL stores {@code AT_TIMESTAMP} without the time, which is the application's
     * configured initial position; {@code initialTimestamp} supplies it unless the lease stores a time of its own.
     *
     * @throws IllegalArgumentException if the stored value is neither a sequence number nor a known sentinel, or is
     *     {@code AT_TIMESTAMP} with no initial timestamp given
     */
    static Checkpoint fromStored(StoredCheckpoint stored, Optional<Instant> initialTimestamp) {
        String value = stored.sequenceNumber();
        if (SequenceNumber.isSequenceNumber(value)) {
            return new After(SequenceNumber.parse(value), stored.subSequenceNumber());
        }
        switch (value) {
            case TRIM_HORIZON:
                return new TrimHorizon();
            case LATEST:
                return new Latest();
            case SHARD_END:
                return new ShardEnd();
            case AT_TIMESTAMP:
                return new AtTimestamp(stored.timestamp()
                        .or(() -> initialTimestamp)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "the lease starts AT_TIMESTAMP but no initial timestamp is configured")));
            default:
                throw new IllegalArgumentException("not a checkpoint: '" + value + "'");
        }
    }
}
