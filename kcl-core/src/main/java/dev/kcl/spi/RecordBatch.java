package dev.kcl.spi;

import dev.kcl.KinesisRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link RecordSource} hands over: records as read from the stream (not yet de-aggregated), how far behind
 * the stream's tip they are, and, after the last records of a closed shard, its children.
 *
 * @param childShards present once the shard has been read to its end (possibly empty, if the stream is gone)
 */
public record RecordBatch(
        List<KinesisRecord> records, long millisBehindLatest, Optional<List<ChildShard>> childShards) {
    public RecordBatch {
        records = List.copyOf(records);
        Objects.requireNonNull(childShards, "childShards");
        childShards = childShards.map(List::copyOf);
    }

    /** True when the shard has been read to its end: no batch follows this one. */
    public boolean shardEnded() {
        return childShards.isPresent();
    }

    /** Bytes of record data in the batch. */
    public long bytes() {
        long bytes = 0;
        for (KinesisRecord record : records) {
            bytes += record.data().remaining();
        }
        return bytes;
    }
}
