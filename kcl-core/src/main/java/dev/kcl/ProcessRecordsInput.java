package dev.kcl;

import java.util.List;
import java.util.Objects;

/**
 * What {@link RecordProcessor#processRecords} is given: a batch of records and the checkpointer for their shard.
 *
 * @param records the batch, in sequence order (never empty)
 * @param checkpointer records progress for this shard
 * @param millisBehindLatest how far the batch's end is behind the tip of the stream
 */
public record ProcessRecordsInput(List<KinesisRecord> records, Checkpointer checkpointer, long millisBehindLatest) {
    public ProcessRecordsInput {
        records = List.copyOf(records);
        Objects.requireNonNull(checkpointer, "checkpointer");
    }
}
