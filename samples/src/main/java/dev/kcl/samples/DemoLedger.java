package dev.kcl.samples;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.checkpoint.Checkpoint;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's processors: they record every delivery so the demo can prove nothing was lost or reordered.
 *
 * <p>Order is judged per processor, as kcl promises it: each processor must see its shard's records in sequence
 * order, so a record that does not come after every record the same processor saw is an order violation. A new
 * processor for a shard (after the lease moved to the other worker, or back) starts from the last checkpoint and may
 * see again records the previous one saw but did not checkpoint: those count as duplicates, not as violations.
 *
 * <p>Thread-safe: both workers' processors share the counters.
 */
final class DemoLedger implements RecordProcessorFactory {
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong orderViolations = new AtomicLong();
    final Map<String, Long> lagByShard = new ConcurrentHashMap<>();
    final Map<String, String> duplicateExamples = new ConcurrentHashMap<>();

    @Override
    public RecordProcessor create(String shardId) {
        return new LedgerProcessor(shardId);
    }

    /** Records read from the stream that were delivered more than once, counting every processor. */
    long duplicates() {
        return deliveries.get() - delivered.size();
    }

    /** One shard's processor on one worker, from its {@code initialize} to its final call. */
    private final class LedgerProcessor implements RecordProcessor {
        private final String shardId;
        private Checkpoint.After last; // the furthest record seen; confined: calls to one processor never overlap

        LedgerProcessor(String shardId) {
            this.shardId = shardId;
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            for (KinesisRecord record : input.records()) {
                Checkpoint.After position = Checkpoint.After.of(record.sequenceNumber(), record.subSequenceNumber());
                boolean inOrder = last == null || position.compareTo(last) > 0;
                if (!inOrder) {
                    orderViolations.incrementAndGet();
                }
                if (!delivered.add(record.dataAsString())) {
                    duplicateExamples.putIfAbsent(
                            record.dataAsString(),
                            shardId + " " + record.sequenceNumber() + "/" + record.subSequenceNumber()
                                    + (last == null ? " first in a new processor" : " after " + last));
                }
                if (inOrder) {
                    last = position;
                }
            }
            deliveries.addAndGet(input.records().size());
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
    }
}
