package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** Key-ordered parallelism within one shard on the local stack. */
@KclStack
class ParallelLanesIT {
    private static final Logger log = LoggerFactory.getLogger(ParallelLanesIT.class);

    /** Records per partition key in arrival order, and how many processors ran at once at most. */
    private static final class Lanes implements dev.kcl.RecordProcessorFactory {
        final Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Duration perRecord;

        Lanes(Duration perRecord) {
            this.perRecord = perRecord;
        }

        @Override
        public RecordProcessor create(String shardId) {
            return new RecordProcessor() {
                @Override
                public void processRecords(ProcessRecordsInput input) {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        for (KinesisRecord record : input.records()) {
                            String[] parts = record.dataAsString().split(":");
                            byKey.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>())
                                    .add(Integer.parseInt(parts[1]));
                            if (!perRecord.isZero()) {
                                Thread.sleep(perRecord.toMillis());
                            }
                            delivered.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    } finally {
                        running.decrementAndGet();
                    }
                    input.checkpointer().checkpoint();
                }

                @Override
                public void shardEnded(ShardEndedInput input) {
                    input.checkpointer().checkpoint();
                }
            };
        }
    }

    private static void put(StreamAdmin admin, String stream, int count, int keys) {
        for (int from = 0; from < count; from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 500); i++) {
                String key = "key-" + (i % keys);
                entries.add(PutRecordsRequestEntry.builder()
                        .partitionKey(key)
                        .data(SdkBytes.fromString(key + ":" + i, StandardCharsets.UTF_8))
                        .build());
            }
            admin.put(stream, entries);
        }
    }

    private static Worker.Builder worker(
            AwsStack stack, String application, TestNames names, Lanes lanes, int parallelism) {
        return Worker.builder()
                .applicationName(application)
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .initialPosition(InitialPosition.trimHorizon())
                .parallelism(parallelism)
                .processorThreads(16)
                .processorFactory(lanes);
    }

    @Test
    void lanesKeepEachKeysOrderAndTheCheckpointCoversEveryRecord(AwsStack stack, TestNames names) throws Exception {
        // Given one shard with 600 records over 30 partition keys
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        put(admin, names.streamName(), 600, 30);
        Lanes lanes = new Lanes(Duration.ofMillis(1));

        // When a worker with 8 lanes consumes them
        try (Worker worker =
                worker(stack, names.applicationName(), names, lanes, 8).build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> lanes.delivered.get() >= 600, () -> lanes.delivered + " delivered");
        }

        // Then lanes ran together, every record arrived once and in order for its key
        assertThat(lanes.mostAtOnce.get()).isGreaterThan(1);
        assertThat(lanes.byKey).hasSize(30);
        lanes.byKey.forEach((key, seen) ->
                assertThat(seen).as(key).isSorted().doesNotHaveDuplicates().hasSize(20));

        // And a new worker of the same application finds nothing left to deliver
        Lanes again = new Lanes(Duration.ZERO);
        try (Worker worker =
                worker(stack, names.applicationName(), names, again, 8).build()) {
            worker.start();
            put(admin, names.streamName(), 1, 1);
            await(Duration.ofSeconds(60), () -> again.delivered.get() >= 1, () -> again.delivered + " delivered");
            Thread.sleep(1_000);
        }
        assertThat(again.byKey).containsOnlyKeys("key-0");
        assertThat(again.byKey.get("key-0")).containsExactly(0);
    }

    /**
     * Benchmark, not a test: a processor that takes 10 ms per record on one shard, with 1 and with 8 lanes. Run with
     * {@code ./mvnw -pl kcl-core verify -Dit.test=ParallelLanesIT -Dtest=NONE -Dkcl.bench=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "kcl.bench", matches = "true")
    void throughputOfASlowProcessorWithAndWithoutLanes(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        put(admin, names.streamName(), 2000, 200);
        for (int parallelism : new int[] {1, 8}) {
            Lanes lanes = new Lanes(Duration.ofMillis(10));
            long started = System.nanoTime();
            try (Worker worker = worker(stack, names.unique("p" + parallelism), names, lanes, parallelism)
                    .build()) {
                worker.start();
                await(Duration.ofMinutes(2), () -> lanes.delivered.get() >= 2000, () -> lanes.delivered + " delivered");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            log.info(
                    "BENCH parallelism={} records=2000 seconds={} records/s={} mostAtOnce={}",
                    parallelism,
                    String.format("%.1f", seconds),
                    String.format("%.0f", 2000 / seconds),
                    lanes.mostAtOnce.get());
        }
    }
}
