package dev.kcl.samples;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import java.util.HashMap;
import java.util.Map;

/** Counts orders per customer (the partition key) and checkpoints after every batch. */
public final class OrderProcessor implements RecordProcessor {
    private final Map<String, Long> ordersByCustomer = new HashMap<>();

    @Override
    public void processRecords(ProcessRecordsInput input) {
        for (KinesisRecord record : input.records()) {
            ordersByCustomer.merge(record.partitionKey(), 1L, Long::sum);
        }
        input.checkpointer().checkpoint(); // everything delivered so far
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        input.checkpointer().checkpoint(); // SHARD_END: the shard's children may start
    }

    public Map<String, Long> ordersByCustomer() {
        return Map.copyOf(ordersByCustomer);
    }
}
