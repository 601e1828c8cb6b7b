package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.testing.ProcessorHarness;
import dev.kcl.testing.TestRecords;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How to unit-test a processor without AWS: the harness drives it, the checkpointer validates as the real one. */
class OrderProcessorTest {
    private final TestRecords records = new TestRecords();

    @Test
    void countsOrdersPerCustomerAndCheckpointsEachBatch() {
        OrderProcessor processor = new OrderProcessor();
        ProcessorHarness harness =
                ProcessorHarness.of(processor, "shardId-000000000000").initialize();

        var first = java.util.List.of(records.record("alice", "order-1"), records.record("bob", "order-2"));
        var second = java.util.List.of(records.record("alice", "order-3"));
        harness.deliver(first).deliver(second).endShard();

        assertThat(processor.ordersByCustomer()).isEqualTo(Map.of("alice", 2L, "bob", 1L));
        assertThat(harness.checkpointer().checkpoints())
                .containsExactly(first.get(1).sequenceNumber(), second.get(0).sequenceNumber(), "SHARD_END");
    }
}
