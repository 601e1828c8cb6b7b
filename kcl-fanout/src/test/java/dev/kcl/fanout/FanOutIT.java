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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** Enhanced fan-out on the local stack, over HTTP/2 to its TLS endpoint. */
@KclStack
class FanOutIT {
    private static final FanOutConfig.Builder CONFIG =
            FanOutConfig.builder("kcl-it").shardCheckInterval(Duration.ofSeconds(1));

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

    private static Worker worker(
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

    private static void assertEveryRecordOnceInOrder(List<Ledger> ledgers, int total) {
        List<String> all = new ArrayList<>();
        ledgers.forEach(l -> all.addAll(l.payloads()));
        assertThat(new HashSet<>(all))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, total).mapToObj(i -> "record-" + i).toList());
        ledgers.forEach(l -> l.byShard
                .values()
                .forEach(list -> assertThat(Ledger.inOrder(list)).isTrue()));
    }

    @Test
    void twoWorkersOnFourShardsDeliverEveryRecordInOrder(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        admin.put(names.streamName(), records(0, 1000));
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        FanOutConfig config = CONFIG.build();
        try (Worker workerA = worker(stack.kinesis(), stack, names, "a", a, config);
                Worker workerB = worker(stack.kinesis(), stack, names, "b", b, config)) {
            workerA.start();
            workerB.start();
            await(
                    Duration.ofSeconds(60),
                    () -> workerA.shardIds().size() == 2 && workerB.shardIds().size() == 2,
                    () -> "a " + workerA.shardIds() + " b " + workerB.shardIds());
            admin.put(names.streamName(), records(1000, 2000));
            await(
                    Duration.ofSeconds(60),
                    () -> new HashSet<>(combined(a, b)).size() >= 2000,
                    () -> combined(a, b).size() + " delivered");

            assertEveryRecordOnceInOrder(List.of(a, b), 2000);
            assertThat(combined(a, b)).hasSize(2000); // checkpointed after each batch, nothing moved: no duplicates
        }
    }

    private static List<String> combined(Ledger a, Ledger b) {
        List<String> all = new ArrayList<>(a.payloads());
        all.addAll(b.payloads());
        return all;
    }

    @Test
    void subscriptionsThatEndAreRenewedWithoutLossOrDuplicates(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 2);
        ExpiringSubscriptions expiring = new ExpiringSubscriptions(stack.kinesis(), Duration.ofMillis(1500));
        Ledger ledger = new Ledger();
        try (Worker worker = worker(expiring, stack, names, "a", ledger, CONFIG.build())) {
            worker.start();
            for (int batch = 0; batch < 8; batch++) {
                admin.put(names.streamName(), records(batch * 100, batch * 100 + 100));
                Thread.sleep(700);
            }
            await(Duration.ofSeconds(60), () -> ledger.count() >= 800, () -> ledger.count() + " delivered");

            assertEveryRecordOnceInOrder(List.of(ledger), 800);
            assertThat(ledger.payloads()).hasSize(800).doesNotHaveDuplicates();
            assertThat(expiring.subscriptions.get()).as("subscriptions renewed").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void aSplitHandsOverToTheChildrenAfterTheParent(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 1);
        admin.put(names.streamName(), records(0, 300));
        Ledger ledger = new Ledger();
        try (Worker worker = worker(stack.kinesis(), stack, names, "a", ledger, CONFIG.build())) {
            worker.start();
            await(Duration.ofSeconds(60), () -> ledger.count() >= 300, () -> ledger.count() + " delivered");

            admin.split(names.streamName(), "shardId-000000000000");
            admin.put(names.streamName(), records(300, 600));
            await(
                    Duration.ofSeconds(60),
                    () -> new HashSet<>(ledger.payloads()).size() >= 600,
                    () -> ledger.count() + " delivered, shards " + ledger.byShard.keySet());

            assertEveryRecordOnceInOrder(List.of(ledger), 600);
            Map<String, List<Ledger.Entry>> shards = ledger.byShard;
            long parentLast = shards.get("shardId-000000000000").stream()
                    .mapToLong(Ledger.Entry::order)
                    .max()
                    .orElseThrow();
            Set<String> children = new HashSet<>(shards.keySet());
            children.remove("shardId-000000000000");
            assertThat(children).isNotEmpty();
            for (String child : children) {
                assertThat(shards.get(child).stream()
                                .mapToLong(Ledger.Entry::order)
                                .min()
                                .orElseThrow())
                        .as(child + " starts after its parent")
                        .isGreaterThan(parentLast);
            }
        }
    }
}
