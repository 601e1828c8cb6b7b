package dev.kcl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessorHarnessTest {
    /** A processor as a user writes one: checkpoints every second record and at shard end. */
    static final class EverySecondRecord implements RecordProcessor {
        final List<String> seen = new ArrayList<>();

        @Override
        public void processRecords(ProcessRecordsInput input) {
            for (KinesisRecord record : input.records()) {
                seen.add(record.dataAsString());
                if (seen.size() % 2 == 0) {
                    input.checkpointer().checkpoint(record);
                }
            }
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            input.checkpointer().checkpoint();
        }
    }

    private final TestRecords records = new TestRecords();

    @Test
    void drivesTheLifecycleAndRecordsCheckpoints() {
        EverySecondRecord processor = new EverySecondRecord();
        ProcessorHarness harness =
                ProcessorHarness.of(processor, "shardId-000000000000").initialize();

        List<KinesisRecord> first = records.records("a", "b", "c");
        List<KinesisRecord> second = records.records("d");
        harness.deliver(first).deliver(second).endShard();

        assertThat(processor.seen).containsExactly("a", "b", "c", "d");
        assertThat(harness.checkpointer().checkpoints())
                .containsExactly(first.get(1).sequenceNumber(), second.get(0).sequenceNumber(), "SHARD_END");
    }

    @Test
    void rejectsACheckpointPastTheDeliveredRecords() {
        RecordProcessor greedy = new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                input.checkpointer().checkpoint("99999999999999999999999999999999999999999999999999999999", 0);
            }

            @Override
            public void shardEnded(ShardEndedInput input) {}
        };
        ProcessorHarness harness = ProcessorHarness.of(greedy, "s").initialize();

        assertThatThrownBy(() -> harness.deliver(records.records("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passes the last record delivered");
    }

    @Test
    void reportsAShardEndWithoutCheckpoint() {
        RecordProcessor forgetful = new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {}

            @Override
            public void shardEnded(ShardEndedInput input) {}
        };
        ProcessorHarness harness = ProcessorHarness.of(forgetful, "s").initialize();

        assertThatThrownBy(harness::endShard).isInstanceOf(AssertionError.class).hasMessageContaining("SHARD_END");
    }

    @Test
    void enforcesTheLifecycle() {
        ProcessorHarness harness = ProcessorHarness.of(new EverySecondRecord(), "s");

        assertThatThrownBy(() -> harness.deliver(records.records("a"))).hasMessageContaining("not initialized");
        harness.initialize().requestShutdown();
        assertThatThrownBy(harness::loseLease).hasMessageContaining("finished");
    }

    @Test
    void buildsAggregatedRecordsThatCheckpointInside() {
        ProcessorHarness harness =
                ProcessorHarness.of(new EverySecondRecord(), "s").initialize();
        List<KinesisRecord> sub = records.aggregated("k", "x", "y", "z");

        harness.deliver(sub);

        assertThat(harness.checkpointer().checkpoints())
                .containsExactly(sub.get(1).sequenceNumber() + "/1");
    }
}
