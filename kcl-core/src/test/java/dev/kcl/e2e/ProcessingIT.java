package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Failing processors and resharding on the local stack. */
@KclStack
class ProcessingIT {

    private static Worker.Builder worker(AwsStack stack, TestNames names, String id, Delivered delivered) {
        return Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .workerId(id)
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon());
    }

    @Test
    void kplAggregatedRecordsAreSplitAndAMalformedOneIsDeliveredAsItIs(AwsStack stack, TestNames names) {
        // Given 50 KPL-aggregated records of 20 user records each, and one record with the KPL magic but a bad digest
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> entries =
                new java.util.ArrayList<>();
        for (int a = 0; a < 50; a++) {
            List<dev.kcl.testkit.KplAggregator.UserRecord> users = new java.util.ArrayList<>();
            for (int u = 0; u < 20; u++) {
                users.add(dev.kcl.testkit.KplAggregator.UserRecord.of("user-" + a + "-" + u, "user-" + (a * 20 + u)));
            }
            entries.add(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                    .partitionKey("agg-" + a)
                    .data(software.amazon.awssdk.core.SdkBytes.fromByteArray(
                            dev.kcl.testkit.KplAggregator.aggregate(users)))
                    .build());
        }
        byte[] broken = dev.kcl.testkit.KplAggregator.aggregate(
                List.of(dev.kcl.testkit.KplAggregator.UserRecord.of("k", "lost?")));
        broken[broken.length - 1] ^= 1;
        entries.add(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                .partitionKey("broken")
                .data(software.amazon.awssdk.core.SdkBytes.fromByteArray(broken))
                .build());
        admin.put(names.streamName(), entries);
        Delivered delivered = new Delivered("w1");

        // When a worker consumes them
        try (Worker worker = worker(stack, names, "w1", delivered).build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 1001, () -> delivered.count() + " delivered");

            // Then every user record arrives once, with its sub-sequence number, and the broken one arrives raw
            assertThat(delivered.payloads())
                    .hasSize(1001)
                    .containsAll(
                            IntStream.range(0, 1000).mapToObj(i -> "user-" + i).toList());
            assertThat(delivered.byShard.values().stream()
                            .flatMap(List::stream)
                            .filter(d -> d.subSequenceNumber() == 19))
                    .hasSize(50);
            delivered
                    .byShard
                    .values()
                    .forEach(list -> assertThat(Delivered.inOrder(list)).isTrue());
        }
    }

    @Test
    void aThrowingProcessorGetsTheSameBatchAgainAndNothingIsSkipped(AwsStack stack, TestNames names) {
        // Given records where the processor fails three times on record-250
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        admin.put(names.streamName(), OneWorkerIT.records(0, 500));
        Delivered delivered = new Delivered("w1");
        AtomicInteger failures = new AtomicInteger();
        delivered.failWhen(r -> r.dataAsString().equals("record-250") && failures.incrementAndGet() <= 3);

        // When a worker with the default policy consumes them
        try (Worker worker = worker(stack, names, "w1", delivered)
                .failurePolicy(ProcessorFailurePolicy.retryForever()
                        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), Integer.MAX_VALUE)))
                .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 500, () -> delivered.count() + " delivered");

            // Then the failing batch was retried and every record arrived once, in order
            assertThat(failures.get()).isGreaterThanOrEqualTo(4);
            assertThat(delivered.events).filteredOn(e -> e.startsWith("failed")).hasSize(3);
            List<Delivered.Delivery> shard =
                    delivered.byShard.values().iterator().next();
            assertThat(Delivered.inOrder(shard)).isTrue();
            assertThat(delivered.payloads())
                    .containsExactlyElementsOf(
                            IntStream.range(0, 500).mapToObj(i -> "record-" + i).toList());
        }
    }

    @Test
    void splitAndMergeWhileProducingDeliversEveryRecordChildrenAfterParents(AwsStack stack, TestNames names)
            throws Exception {
        // Given three shards, a producer writing all the time and one worker consuming
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 3);
        Delivered delivered = new Delivered("w1");
        try (Worker worker = worker(stack, names, "w1", delivered).build()) {
            worker.start();
            int produced;
            try (Producer producer = new Producer(admin, names.streamName(), 20, 50)) {
                await(Duration.ofSeconds(30), () -> delivered.count() > 200, () -> delivered.count() + " delivered");

                // When one shard is split and two others are merged, with records still coming
                admin.split(names.streamName(), "shardId-000000000000");
                Thread.sleep(1_500);
                admin.merge(names.streamName(), "shardId-000000000001", "shardId-000000000002");
                Thread.sleep(3_000);
                producer.stop();
                produced = producer.produced();
            }

            // Then every record is delivered (at least once) and no child delivers before its parents finished
            int total = produced;
            await(
                    Duration.ofSeconds(60),
                    () -> new HashSet<>(delivered.payloads()).size() >= total,
                    () -> new HashSet<>(delivered.payloads()).size() + " of " + total + " delivered; "
                            + delivered.events);
            assertThat(new HashSet<>(delivered.payloads()))
                    .containsAll(IntStream.range(0, total)
                            .mapToObj(i -> "record-" + i)
                            .toList());
            Map<String, java.util.Set<String>> parents = new ConcurrentHashMap<>();
            for (var shard : admin.shards(names.streamName())) {
                java.util.Set<String> ps = new HashSet<>();
                if (shard.parentShardId() != null) {
                    ps.add(shard.parentShardId());
                }
                if (shard.adjacentParentShardId() != null) {
                    ps.add(shard.adjacentParentShardId());
                }
                parents.put(shard.shardId(), ps);
            }
            assertThat(delivered.byShard.keySet()).hasSizeGreaterThanOrEqualTo(5);
            for (var entry : delivered.byShard.entrySet()) {
                assertThat(Delivered.inOrder(entry.getValue()))
                        .as(entry.getKey())
                        .isTrue();
                long firstChild = entry.getValue().stream()
                        .mapToLong(Delivered.Delivery::order)
                        .min()
                        .orElseThrow();
                for (String parent : parents.getOrDefault(entry.getKey(), java.util.Set.of())) {
                    long lastParent = delivered.byShard.getOrDefault(parent, List.of()).stream()
                            .mapToLong(Delivered.Delivery::order)
                            .max()
                            .orElse(0);
                    assertThat(firstChild)
                            .as(entry.getKey() + " after its parent " + parent)
                            .isGreaterThan(lastParent);
                }
            }
            assertThat(delivered.events)
                    .contains(
                            "shardEnded shardId-000000000000",
                            "shardEnded shardId-000000000001",
                            "shardEnded shardId-000000000002");
        }
    }

    @Test
    void gracefulShutdownHandsShardsToTheOtherWorkerWithoutDuplicates(AwsStack stack, TestNames names)
            throws Exception {
        // Given two workers sharing 4 shards while records keep coming
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 4);
        Delivered a = new Delivered("a");
        Delivered b = new Delivered("b");
        try (Worker workerA = worker(stack, names, "a", a).build();
                Worker workerB = worker(stack, names, "b", b).build();
                Producer producer = new Producer(admin, names.streamName(), 20, 50)) {
            workerA.start();
            workerB.start();
            await(
                    Duration.ofSeconds(60),
                    () -> workerA.shardIds().size() == 2 && workerB.shardIds().size() == 2,
                    () -> "a " + workerA.shardIds() + ", b " + workerB.shardIds());
            await(Duration.ofSeconds(30), () -> a.count() > 100 && b.count() > 100, () -> a.count() + "/" + b.count());
            List<String> moving = List.copyOf(workerA.shardIds());

            // When worker a shuts down
            boolean clean = workerA.shutdown(Duration.ofSeconds(20));
            await(Duration.ofSeconds(30), () -> workerB.shardIds().size() == 4, () -> "b " + workerB.shardIds());
            Thread.sleep(2_000);
            producer.stop();
            int total = producer.produced();
            await(
                    Duration.ofSeconds(60),
                    () -> a.count() + b.count() >= total,
                    () -> (a.count() + b.count()) + " of " + total);

            // Then b carries on from a's checkpoints: every record once, none twice, and the gap was short
            assertThat(clean).isTrue();
            List<String> all = new java.util.ArrayList<>(a.payloads());
            all.addAll(b.payloads());
            assertThat(all).hasSize(total).doesNotHaveDuplicates();
            for (String shard : moving) {
                long stoppedAt = a.shutdownAt.get(shard);
                long resumedAt = b.byShard.get(shard).stream()
                        .mapToLong(Delivered.Delivery::atNanos)
                        .min()
                        .orElseThrow();
                long gapMillis = (resumedAt - stoppedAt) / 1_000_000;
                org.slf4j.LoggerFactory.getLogger(ProcessingIT.class)
                        .info(
                                "graceful handoff of {}: gap {} ms from shutdownRequested to the next delivery",
                                shard,
                                gapMillis);
                assertThat(gapMillis).as("handoff gap of %s", shard).isLessThan(1_000);
            }
        }
    }
}
