package dev.kcl.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * Enhanced fan-out on the local stack, over HTTP/2 to its TLS endpoint, with clients built from
 * {@link FanOut#httpClientBuilder(int)}: two workers on four shards, across forced renewals and across a split.
 */
@KclStack
class FanOutIT {
    static final String PARENT = "shardId-000000000000";
    private static final FanOutConfig CONFIG = FanOutConfig.builder("kcl-it")
            .shardCheckInterval(Duration.ofSeconds(1))
            .build();

    static void await(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        dev.kcl.testkit.Eventually.await(limit, condition, what);
    }

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

    static Worker worker(
            KinesisAsyncClient kinesis,
            AwsStack stack,
            TestNames names,
            String id,
            Ledger ledger,
            FanOutConfig config) {
        return Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .workerId(id)
                .kinesis(kinesis)
                .dynamoDb(stack.dynamoDb())
                .retrieval(FanOut.retrieval(config))
                .processorFactory(ledger)
                .initialPosition(InitialPosition.trimHorizon())
                .build();
    }

    /** Every delivery of every ledger, per shard, in the order the processors saw them. */
    static Map<String, List<Ledger.Entry>> byShard(List<Ledger> ledgers) {
        Map<String, List<Ledger.Entry>> shards = new TreeMap<>();
        for (Ledger ledger : ledgers) {
            ledger.byShard.forEach((shard, entries) ->
                    shards.computeIfAbsent(shard, k -> new ArrayList<>()).addAll(entries));
        }
        shards.values().forEach(entries -> entries.sort(Comparator.comparingLong(Ledger.Entry::order)));
        return shards;
    }

    static List<String> payloads(List<Ledger> ledgers) {
        List<String> all = new ArrayList<>();
        ledgers.forEach(l -> all.addAll(l.payloads()));
        return all;
    }

    static int distinct(List<Ledger> ledgers) {
        return new HashSet<>(payloads(ledgers)).size();
    }

    /**
     * Records 0 to {@code total} each arrived exactly once, and each shard's records arrived in sequence order whichever
     * worker delivered them.
     */
    static void assertEveryRecordOnceInOrder(List<Ledger> ledgers, int total) {
        assertThat(payloads(ledgers))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, total).mapToObj(i -> "record-" + i).toList());
        byShard(ledgers)
                .forEach((shard, entries) -> assertThat(Ledger.inOrder(entries))
                        .as(shard + " in order")
                        .isTrue());
    }

    /** Each child of the parent delivered its first record after the parent's last, whichever worker read them. */
    static void assertChildrenAfterParent(Map<String, List<Ledger.Entry>> shards, Set<String> children) {
        assertThat(children).isNotEmpty();
        long parentLast =
                shards.get(PARENT).stream().mapToLong(Ledger.Entry::order).max().orElseThrow();
        for (String child : children) {
            assertThat(shards).as("records from " + child).containsKey(child);
            assertThat(shards.get(child).get(0).order())
                    .as(child + " starts after its parent")
                    .isGreaterThan(parentLast);
        }
    }

    static Set<String> childrenOf(StreamAdmin admin, String stream, String parent) {
        Set<String> children = new HashSet<>();
        for (Shard shard : admin.shards(stream)) {
            if (parent.equals(shard.parentShardId()) || parent.equals(shard.adjacentParentShardId())) {
                children.add(shard.shardId());
            }
        }
        return children;
    }

    /** Starts two workers and waits until each holds two of the four shards. */
    private static void startEvenly(Worker a, Worker b) {
        a.start();
        b.start();
        await(
                Duration.ofSeconds(60),
                () -> a.shardIds().size() == 2 && b.shardIds().size() == 2,
                () -> "a " + a.shardIds() + " b " + b.shardIds());
    }

    @Test
    void twoWorkersOnFourShardsDeliverEveryRecordInOrder(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        admin.put(names.streamName(), records(0, 1000));
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 4);
                Worker workerA = worker(kinesis, stack, names, "a", a, CONFIG);
                Worker workerB = worker(kinesis, stack, names, "b", b, CONFIG)) {
            startEvenly(workerA, workerB);
            admin.put(names.streamName(), records(1000, 2000));
            await(
                    Duration.ofSeconds(60),
                    () -> distinct(List.of(a, b)) >= 2000,
                    () -> distinct(List.of(a, b)) + " delivered");

            assertEveryRecordOnceInOrder(List.of(a, b), 2000);
        }
    }

    @Test
    void subscriptionsThatEndAreRenewedWithoutLossOrDuplicatesOnFourShardsAndTwoWorkers(AwsStack stack, TestNames names)
            throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 4)) {
            // Every subscription ends after 1.5 s, as AWS ends each after five minutes
            ExpiringSubscriptions expiring = new ExpiringSubscriptions(kinesis, Duration.ofMillis(1500));
            try (Worker workerA = worker(expiring, stack, names, "a", a, CONFIG);
                    Worker workerB = worker(expiring, stack, names, "b", b, CONFIG)) {
                startEvenly(workerA, workerB);
                for (int batch = 0; batch < 8; batch++) {
                    admin.put(names.streamName(), records(batch * 100, batch * 100 + 100));
                    Thread.sleep(700);
                }
                await(
                        Duration.ofSeconds(60),
                        () -> distinct(List.of(a, b)) >= 800,
                        () -> distinct(List.of(a, b)) + " delivered");

                assertEveryRecordOnceInOrder(List.of(a, b), 800);
                assertThat(expiring.starts).as("shards subscribed").hasSize(4);
                expiring.starts.forEach((shard, starts) -> {
                    assertThat(starts).as(shard + " renewed").hasSizeGreaterThanOrEqualTo(3);
                    StartingPosition last = starts.get(starts.size() - 1);
                    assertThat(last.type())
                            .as(shard + " renewed after its continuation")
                            .isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
                });
            }
        }
    }

    @Test
    void aSplitHandsOverToTheChildrenAfterTheParentWithTwoWorkers(AwsStack stack, TestNames names) {
        // This emulator never sends the final event: the split ends through the ClosedShardWatcher fallback
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        List<Ledger> ledgers = List.of(a, b);
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 8);
                Worker workerA = worker(kinesis, stack, names, "a", a, CONFIG);
                Worker workerB = worker(kinesis, stack, names, "b", b, CONFIG)) {
            startEvenly(workerA, workerB);
            admin.put(names.streamName(), records(0, 400));
            await(Duration.ofSeconds(60), () -> distinct(ledgers) >= 400, () -> distinct(ledgers) + " delivered");

            admin.split(names.streamName(), PARENT);
            admin.put(names.streamName(), records(400, 800));
            await(
                    Duration.ofSeconds(60),
                    () -> distinct(ledgers) >= 800,
                    () -> distinct(ledgers) + " delivered, shards "
                            + byShard(ledgers).keySet());

            assertEveryRecordOnceInOrder(ledgers, 800);
            assertChildrenAfterParent(byShard(ledgers), childrenOf(admin, names.streamName(), PARENT));
        }
    }

    @Test
    void theFinalEventOfASplitParentStartsItsChildrenWithoutTheFallback(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        List<Ledger> ledgers = List.of(a, b);
        // The watcher's first look would come after an hour: only the final event can end the parent
        FanOutConfig noFallback = FanOutConfig.builder("kcl-it")
                .shardCheckInterval(Duration.ofHours(1))
                .build();
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 8);
                LogCapture log = LogCapture.of(FanOutRecordSource.class)) {
            FinalEvents finalEvents = new FinalEvents(kinesis);
            try (Worker workerA = worker(finalEvents, stack, names, "a", a, noFallback);
                    Worker workerB = worker(finalEvents, stack, names, "b", b, noFallback)) {
                startEvenly(workerA, workerB);
                admin.put(names.streamName(), records(0, 400));
                await(Duration.ofSeconds(60), () -> distinct(ledgers) >= 400, () -> distinct(ledgers) + " delivered");

                // When the parent is split, and its subscription ends with the final event as on AWS
                admin.split(names.streamName(), PARENT);
                finalEvents.shardClosed(names.streamName(), PARENT);
                admin.put(names.streamName(), records(400, 800));
                await(
                        Duration.ofSeconds(60),
                        () -> distinct(ledgers) >= 800,
                        () -> distinct(ledgers) + " delivered, shards "
                                + byShard(ledgers).keySet());

                // Then the shard-end flow ran from that event: children leased and read after the parent
                assertThat(finalEvents.finalEventsSent).containsExactly(PARENT);
                assertEveryRecordOnceInOrder(ledgers, 800);
                Set<String> children = childrenOf(admin, names.streamName(), PARENT);
                assertChildrenAfterParent(byShard(ledgers), children);
                assertThat(log.messages())
                        .anySatisfy(m -> assertThat(m).startsWith(PARENT + " read to its end; children"))
                        .noneSatisfy(m -> assertThat(m).contains("the subscription did not say so"));
                Map<String, Map<String, AttributeValue>> leases = new TreeMap<>();
                stack.dynamoDb().scan(r -> r.tableName(names.applicationName())).join().items().stream()
                        .filter(item -> item.containsKey("leaseKey"))
                        .forEach(item -> leases.put(item.get("leaseKey").s(), item));
                for (String child : children) {
                    assertThat(leases).as("lease of " + child).containsKey(child);
                    assertThat(leases.get(child).get("parentShardId").toString())
                            .as(child + "'s parents")
                            .contains(PARENT);
                }
            }
        }
    }
}
