package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.testing.ProcessorHarness;
import dev.kcl.testing.RecordingCheckpointer;
import dev.kcl.testing.TestRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the demo counts: order per processor, redeliveries after a lease move as duplicates only. */
class DemoLedgerTest {
    private static final String SHARD = "shardId-000000000000";

    private final TestRecords records = new TestRecords();
    private final DemoLedger ledger = new DemoLedger();

    @Test
    void recordsInSequenceOrderAreNeitherDuplicatesNorViolations() {
        List<KinesisRecord> orders = records.records("order-1", "order-2", "order-3");

        ProcessorHarness.of(ledger.create(SHARD), SHARD)
                .initialize()
                .deliver(orders.subList(0, 2))
                .deliver(orders.subList(2, 3))
                .endShard();

        assertThat(ledger.delivered).containsExactlyInAnyOrder("order-1", "order-2", "order-3");
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.orderViolations).hasValue(0);
    }

    @Test
    void aRedeliveryToTheNextOwnerAfterALeaseMoveIsADuplicateNotAnOrderViolation() {
        // Given worker A's processor saw orders 1-4, then lost the lease before its last checkpoint landed
        List<KinesisRecord> orders = records.records("order-1", "order-2", "order-3", "order-4", "order-5");
        ProcessorHarness.of(ledger.create(SHARD), SHARD)
                .initialize()
                .deliver(orders.subList(0, 2))
                .deliver(orders.subList(2, 4))
                .loseLease();

        // When worker B's new processor for the shard starts from the checkpoint after order 2
        ProcessorHarness.of(ledger.create(SHARD), SHARD).initialize().deliver(orders.subList(2, 5));

        // Then orders 3 and 4 count as duplicates, and nothing as out of order
        assertThat(ledger.duplicates()).isEqualTo(2);
        assertThat(ledger.duplicateExamples).containsOnlyKeys("order-3", "order-4");
        assertThat(ledger.orderViolations).hasValue(0);
        assertThat(ledger.delivered).hasSize(5);
    }

    @Test
    void aRecordBeforeOneTheSameProcessorAlreadySawIsAnOrderViolation() {
        List<KinesisRecord> orders = records.records("order-1", "order-2", "order-3", "order-4");
        RecordProcessor processor = ledger.create(SHARD);

        deliver(processor, orders.get(0), orders.get(2));
        deliver(processor, orders.get(1)); // before order-3, which this processor already saw
        deliver(processor, orders.get(3));

        assertThat(ledger.orderViolations).hasValue(1);
        assertThat(ledger.duplicates()).isZero();
    }

    @Test
    void theSameRecordTwiceInOneProcessorIsADuplicateAndAnOrderViolation() {
        List<KinesisRecord> orders = records.records("order-1", "order-2");
        RecordProcessor processor = ledger.create(SHARD);

        deliver(processor, orders.get(0), orders.get(1));
        deliver(processor, orders.get(1));

        assertThat(ledger.orderViolations).hasValue(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
    }

    @Test
    void eachShardIsOrderedOnItsOwn() {
        List<KinesisRecord> orders = records.records("order-1", "order-2");

        deliver(ledger.create("shardId-000000000001"), orders.get(1));
        deliver(ledger.create("shardId-000000000002"), orders.get(0));

        assertThat(ledger.orderViolations).hasValue(0);
    }

    @Test
    void keepsEachShardsLatestLagUntilTheShardEnds() {
        ProcessorHarness harness =
                ProcessorHarness.of(ledger.create(SHARD), SHARD).initialize().deliver(records.records("order-1"), 1500);
        assertThat(ledger.lagByShard).containsEntry(SHARD, 1500L);

        harness.endShard();

        assertThat(ledger.lagByShard).doesNotContainKey(SHARD);
    }

    /** One batch, checkpointed by a fresh checkpointer, so a batch out of order reaches the ledger as it is. */
    private static void deliver(RecordProcessor processor, KinesisRecord... batch) {
        RecordingCheckpointer checkpointer = new RecordingCheckpointer(SHARD);
        checkpointer.delivered(batch[batch.length - 1]);
        processor.processRecords(new ProcessRecordsInput(List.of(batch), checkpointer, 0));
    }
}
