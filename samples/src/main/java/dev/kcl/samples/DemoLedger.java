package dev.kcl.samples;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.checkpoint.Checkpoint;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's processors: they record every delivery so the demo can prove nothing was lost or reordered. */
final class DemoLedger implements RecordProcessorFactory {
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong orderViolations = new AtomicLong();
    final Map<String, Long> lagByShard = new ConcurrentHashMap<>();
    final Map<String, String> duplicateExamples = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint.After> lastByShard = new ConcurrentHashMap<>();

    @Override
    public RecordProcessor create(String shardId) {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                List<KinesisRecord> records = input.records();
                for (KinesisRecord record : records) {
                    Checkpoint.After position =
                            Checkpoint.After.of(record.sequenceNumber(), record.subSequenceNumber());
                    Checkpoint.After previous = lastByShard.put(shardId, position);
                    if (previous != null && position.compareTo(previous) <= 0) {
                        orderViolations.incrementAndGet();
                    }
                    if (!delivered.add(record.dataAsString())) {
                        duplicateExamples.putIfAbsent(
                                record.dataAsString(),
                                shardId + " " + record.sequenceNumber() + "/" + record.subSequenceNumber() + " after "
                                        + previous);
                    }
                }
                deliveries.addAndGet(records.size());
                lagByShard.put(shardId, input.millisBehindLatest());
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                lagByShard.remove(shardId);
                input.checkpointer().checkpoint();
            }

            @Override
            public void shutdownRequested(ShutdownRequestedInput input) {
                input.checkpointer().checkpoint();
            }
        };
    }
}
