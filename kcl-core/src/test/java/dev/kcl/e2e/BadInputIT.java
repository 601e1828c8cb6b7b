package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records at the edges of what Kinesis accepts reach the processor intact, in order, with nothing lost. */
@KclStack
class BadInputIT {
    private static final int MAX_RECORD = 1024 * 1024; // partition key and data together

    @Test
    void recordsOfTheMaximumSizeAndEmptyRecordsAreDeliveredIntact(AwsStack stack, TestNames names) {
        // Given one shard holding a normal record, a 1 MiB record, an empty record and a normal one again
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        String key = "k";
        byte[] largest = new byte[MAX_RECORD - key.length()];
        Arrays.fill(largest, (byte) 'x');
        admin.put(names.streamName(), key, "first".getBytes(StandardCharsets.UTF_8));
        admin.put(names.streamName(), key, largest);
        admin.put(names.streamName(), key, new byte[0]);
        admin.put(names.streamName(), key, "last".getBytes(StandardCharsets.UTF_8));
        Delivered delivered = new Delivered("w1");

        // When a worker consumes them
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon())
                .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 4, () -> delivered.count() + " delivered");

            // Then all four arrive once, in order, byte for byte
            List<String> payloads = delivered.payloads();
            assertThat(payloads).hasSize(4);
            assertThat(payloads.get(0)).isEqualTo("first");
            assertThat(payloads.get(1)).hasSize(largest.length).matches("x+");
            assertThat(payloads.get(2)).isEmpty();
            assertThat(payloads.get(3)).isEqualTo("last");
        }
    }

    @Test
    void aWorkerWhoseLeaseTableIsDeletedStopsAndSaysWhy(AwsStack stack, TestNames names) {
        // Given a worker consuming
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        admin.put(names.streamName(), OneWorkerIT.records(0, 20));
        Delivered delivered = new Delivered("w1");
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(Duration.ofSeconds(3))
                .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 20, () -> delivered.count() + " delivered");

            // When its lease table is deleted
            stack.dynamoDb()
                    .deleteTable(b -> b.tableName(names.applicationName()))
                    .join();

            // Then it stops delivering, leaves RUNNING for FAILED within a few failover times, and says why
            await(
                    Duration.ofSeconds(30),
                    () -> worker.state() == dev.kcl.WorkerState.FAILED,
                    () -> "state " + worker.state());
            assertThat(worker.failure())
                    .hasValueSatisfying(e -> assertThat(e)
                            .hasMessageContaining(names.applicationName())
                            .hasMessageContaining("does not exist"));
            assertThat(worker.shardIds()).isEmpty();
        }
    }
}
