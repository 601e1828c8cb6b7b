package dev.kcl.aws;

import dev.kcl.KinesisRecord;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.leases.HashKeyRange;
import dev.kcl.spi.ChildShard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Translations between Kinesis SDK model types and kcl's, shared by every record source. */
public final class KinesisModels {
    private KinesisModels() {}

    /** Records as read, not yet de-aggregated. */
    public static List<KinesisRecord> records(List<Record> records) {
        List<KinesisRecord> out = new ArrayList<>(records.size());
        for (Record record : records) {
            out.add(new KinesisRecord(
                    record.partitionKey(),
                    record.sequenceNumber(),
                    0,
                    record.approximateArrivalTimestamp(),
                    record.data().asByteBuffer(),
                    Optional.empty(),
                    false));
        }
        return out;
    }

    public static List<ChildShard> childShards(
            List<software.amazon.awssdk.services.kinesis.model.ChildShard> children) {
        List<ChildShard> out = new ArrayList<>(children.size());
        for (var c : children) {
            out.add(new ChildShard(
                    c.shardId(),
                    Set.copyOf(c.parentShards()),
                    c.hashKeyRange() == null
                            ? Optional.empty()
                            : Optional.of(HashKeyRange.of(
                                    c.hashKeyRange().startingHashKey(),
                                    c.hashKeyRange().endingHashKey()))));
        }
        return out;
    }

    /**
     * Where to start reading after {@code start}. Inside an aggregated record (a sub-sequence number above 0) reading
     * starts at that record and the consumer drops the sub-records already processed.
     */
    public static ShardIteratorType iteratorType(Checkpoint start) {
        if (start instanceof Checkpoint.After after) {
            return after.subSequenceNumber() > 0
                    ? ShardIteratorType.AT_SEQUENCE_NUMBER
                    : ShardIteratorType.AFTER_SEQUENCE_NUMBER;
        }
        if (start instanceof Checkpoint.AtTimestamp) {
            return ShardIteratorType.AT_TIMESTAMP;
        }
        if (start instanceof Checkpoint.Latest) {
            return ShardIteratorType.LATEST;
        }
        return ShardIteratorType.TRIM_HORIZON;
    }
}
