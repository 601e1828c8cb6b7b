package dev.kcl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.WorkerState;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** One worker on the local stack: every record of 4 shards delivered once, in order per shard. */
@KclStack
class OneWorkerIT {

    static List<PutRecordsRequestEntry> records(int from, int to) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey("key-" + i)
                    .data(SdkBytes.fromString("record-" + i, StandardCharsets.UTF_8))
                    .build());
        }
        return entries;
    }

    static void await(
            Duration limit, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what) {
        dev.kcl.testkit.Eventually.await(limit, condition, what);
    }

    @Test
    void startFailsAtOnceOnAnUnknownStream(AwsStack stack, TestNames names) {
        Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName("no-such-stream")
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(new Delivered("w"))
                .build();

        org.assertj.core.api.Assertions.assertThatThrownBy(worker::start)
                .isInstanceOf(dev.kcl.KclException.class)
                .hasMessageContaining("no-such-stream")
                .hasMessageContaining("does not exist");
        assertThat(worker.state()).isEqualTo(WorkerState.FAILED);
        assertThat(worker.failure()).isPresent();
    }

    @Test
    void aNewApplicationStartingAtATimestampReadsOnlyWhatArrivedFromThen(AwsStack stack, TestNames names)
            throws InterruptedException {
        // Given 20 records, a moment, then 20 more
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        admin.put(names.streamName(), records(0, 20));
        Thread.sleep(1_500);
        java.time.Instant between = java.time.Instant.now();
        Thread.sleep(1_500);
        admin.put(names.streamName(), records(20, 40));
        Delivered delivered = new Delivered("w");

        // When a new application starts at the moment between them
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.atTimestamp(between))
                .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 20, () -> delivered.count() + " delivered");
            Thread.sleep(1_000); // nothing older turns up late

            // Then it read exactly the later 20
            assertThat(delivered.payloads())
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(20, 40).mapToObj(i -> "record-" + i).toList());
        }
    }

    @Test
    void deliversEveryRecordOfFourShardsInOrder(AwsStack stack, TestNames names) {
        // Given a stream with 4 shards and 20,000 records already in it
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 4);
        int total = 20_000;
        admin.put(names.streamName(), records(0, total));
        Delivered delivered = new Delivered("w1");

        // When one worker consumes it from the trim horizon
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .workerId("w1")
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon())
                .build()) {
            worker.start();
            assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
            await(
                    Duration.ofSeconds(120),
                    () -> delivered.count() >= total,
                    () -> delivered.count() + " of " + total + " delivered");

            // Then each record arrives exactly once, in sequence order within its shard
            assertThat(delivered.byShard).hasSize(4);
            assertThat(delivered.byShard.values())
                    .allSatisfy(list -> assertThat(Delivered.inOrder(list)).isTrue());
            assertThat(new HashSet<>(delivered.payloads()))
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total)
                            .mapToObj(i -> "record-" + i)
                            .toList());
            assertThat(delivered.count()).isEqualTo(total);
        }
    }
}
