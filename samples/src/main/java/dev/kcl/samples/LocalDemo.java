package dev.kcl.samples;

import dev.kcl.InitialPosition;
import dev.kcl.Retrieval;
import dev.kcl.Worker;
import dev.kcl.fanout.FanOut;
import dev.kcl.fanout.FanOutConfig;
import dev.kcl.metrics.MetricsConfig;
import dev.kcl.metrics.MetricsLevel;
import dev.kcl.testkit.EmbeddedStack;
import dev.kcl.testkit.KplAggregator;
import dev.kcl.testkit.LocalKinesis;
import dev.kcl.testkit.StreamAdmin;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The demo that runs when no AWS stream is configured: a real local Kinesis and DynamoDB, a producer (one record in
 * five a KPL-aggregated record of five orders), two workers sharing four shards, a shard split part-way, live
 * progress, and a summary that checks every order arrived, once and in order.
 */
final class LocalDemo {
    private static final String STREAM = "orders";
    private static final int SHARDS = 4;

    /** What the demo proved. */
    record Summary(int produced, int delivered, long deliveries, long orderViolations) {
        int lost() {
            return produced - delivered;
        }

        long duplicates() {
            return deliveries - delivered;
        }

        boolean ok() {
            return lost() == 0 && orderViolations == 0;
        }
    }

    private LocalDemo() {}

    static Summary run(AppConfig config, PrintStream out) throws InterruptedException {
        out.println("kcl sample: starting a local Kinesis and DynamoDB (no AWS account, no Docker)...");
        try (EmbeddedStack stack =
                EmbeddedStack.start(LocalKinesis.builder().reshardDuration(Duration.ofMillis(200)))) {
            KinesisAsyncClient kinesis = config.fanOut() ? stack.kinesis() : stack.kinesisHttp1();
            StreamAdmin admin = StreamAdmin.of(kinesis);
            admin.create(STREAM, SHARDS);
            out.printf(
                    Locale.ROOT,
                    "stream '%s' with %d shards; two workers, %s; %d orders/s for %d s%n",
                    STREAM,
                    SHARDS,
                    config.fanOut() ? "enhanced fan-out (HTTP/2)" : "polling",
                    config.demoRate(),
                    config.demoSeconds());
            DemoLedger ledger = new DemoLedger();
            try (Worker a = worker(config, stack, kinesis, "worker-a", ledger);
                    Worker b = worker(config, stack, kinesis, "worker-b", ledger)) {
                a.start();
                b.start();
                awaitShared(a, b, out);
                AtomicInteger produced = new AtomicInteger();
                AtomicReference<String> event = new AtomicReference<>("");
                Thread producer = new Thread(() -> produce(admin, config, produced, event), "producer");
                producer.start();
                long started = System.nanoTime();
                int lastDelivered = 0;
                while (producer.isAlive() || ledger.delivered.size() < produced.get()) {
                    Thread.sleep(1000);
                    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    int delivered = ledger.delivered.size();
                    out.printf(
                            Locale.ROOT,
                            "[%3ds] produced %6d  delivered %6d  %5d/s | lag %s | %s: %s  %s: %s%s%n",
                            seconds,
                            produced.get(),
                            delivered,
                            delivered - lastDelivered,
                            lag(ledger),
                            a.workerId(),
                            shortIds(a.shardIds()),
                            b.workerId(),
                            shortIds(b.shardIds()),
                            event.getAndSet(""));
                    lastDelivered = delivered;
                    if (!producer.isAlive() && seconds > config.demoSeconds() + 60) {
                        out.println("giving up waiting for the last records");
                        break;
                    }
                }
                producer.join();
                out.println("shutting down both workers (each hands its shards over before it stops)...");
                a.shutdown(Duration.ofSeconds(20));
                b.shutdown(Duration.ofSeconds(20));
                Summary summary = new Summary(
                        produced.get(), ledger.delivered.size(), ledger.deliveries.get(), ledger.orderViolations.get());
                out.printf(
                        Locale.ROOT,
                        "summary: produced %d, delivered %d, lost %d, duplicates %d, order violations %d: %s%n",
                        summary.produced(),
                        summary.delivered(),
                        summary.lost(),
                        summary.duplicates(),
                        summary.orderViolations(),
                        summary.ok() ? "OK" : "FAILED");
                if (!ledger.duplicateExamples.isEmpty()) {
                    out.println("delivered again (uncheckpointed tails after a move): "
                            + ledger.duplicateExamples.entrySet().stream()
                                    .limit(5)
                                    .toList());
                }
                return summary;
            }
        }
    }

    /**
     * Waits until each worker holds a shard. The first worker up may take every shard before the leader has seen the
     * second one's heartbeat; the next balancing round (within a third of the failover time) evens them out.
     */
    private static void awaitShared(Worker a, Worker b, PrintStream out) throws InterruptedException {
        out.println("waiting for the two workers to share the shards...");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((a.shardIds().isEmpty() || b.shardIds().isEmpty()) && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
        out.printf(
                Locale.ROOT,
                "%s holds %s, %s holds %s%n",
                a.workerId(),
                shortIds(a.shardIds()),
                b.workerId(),
                shortIds(b.shardIds()));
    }

    private static Worker worker(
            AppConfig config, EmbeddedStack stack, KinesisAsyncClient kinesis, String id, DemoLedger ledger) {
        Retrieval retrieval = config.fanOut()
                ? FanOut.retrieval(FanOutConfig.builder(config.consumerName())
                        .shardCheckInterval(Duration.ofSeconds(2))
                        .build())
                : Retrieval.polling();
        return Worker.builder()
                .applicationName(config.application())
                .streamName(STREAM)
                .workerId(id)
                .kinesis(kinesis)
                .dynamoDb(stack.dynamoDb())
                .retrieval(retrieval)
                .metrics(MetricsConfig.builder().level(MetricsLevel.NONE).build())
                .initialPosition(InitialPosition.trimHorizon())
                .processorFactory(ledger)
                .build();
    }

    /** Writes orders at the configured rate; one entry in five is a KPL-aggregated record of five orders. */
    private static void produce(
            StreamAdmin admin, AppConfig config, AtomicInteger produced, AtomicReference<String> event) {
        int perTick = Math.max(1, config.demoRate() / 10);
        long ticks = config.demoSeconds() * 10L;
        int next = 0;
        for (long tick = 0; tick < ticks; tick++) {
            long tickStart = System.nanoTime();
            if (tick == ticks / 3) {
                Thread split = new Thread(
                        () -> {
                            admin.split(STREAM, "shardId-000000000000");
                            event.set("  << split shardId-000000000000");
                        },
                        "split");
                split.start();
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            int inTick = 0;
            while (inTick < perTick) {
                if (entries.size() % 5 == 4 && perTick - inTick >= 5) {
                    List<KplAggregator.UserRecord> orders = new ArrayList<>();
                    for (int k = 0; k < 5; k++) {
                        orders.add(KplAggregator.UserRecord.of(customer(next), "order-" + next++));
                    }
                    entries.add(entry(customer(next), KplAggregator.aggregate(orders)));
                    inTick += 5;
                } else {
                    entries.add(entry(customer(next), ("order-" + next++).getBytes(StandardCharsets.UTF_8)));
                    inTick++;
                }
            }
            admin.put(STREAM, entries);
            produced.addAndGet(inTick);
            long spent = (System.nanoTime() - tickStart) / 1_000_000;
            try {
                Thread.sleep(Math.max(0, 100 - spent));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String customer(int order) {
        return "customer-" + (order * 7919 % 97);
    }

    private static PutRecordsRequestEntry entry(String key, byte[] data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(key)
                .data(SdkBytes.fromByteArray(data))
                .build();
    }

    private static String lag(DemoLedger ledger) {
        Map<String, Long> lag = new TreeMap<>();
        ledger.lagByShard.forEach((shard, millis) -> lag.put(shard.replace("shardId-0000000000", "#"), millis));
        return lag.isEmpty()
                ? "-"
                : lag.toString().replace("{", "").replace("}", "").replace("=", ":") + " ms";
    }

    private static String shortIds(List<String> shardIds) {
        return shardIds.stream()
                .sorted()
                .map(s -> s.replace("shardId-0000000000", "#"))
                .toList()
                .toString();
    }
}
