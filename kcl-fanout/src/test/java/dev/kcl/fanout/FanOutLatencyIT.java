package dev.kcl.fanout;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Benchmark, not a test: propagation latency of fan-out with one consumer at 200 records/s over 4 shards. Run with
 * {@code ./mvnw -pl kcl-fanout verify -Dit.test=FanOutLatencyIT -Dkcl.bench=true}. The emulator sends events from a
 * 1-second timer, so expect 0-1 s plus transport.
 */
@KclStack
@EnabledIfSystemProperty(named = "kcl.bench", matches = "true")
class FanOutLatencyIT {

    @Test
    void fanOutLatencyAtASteadyRate(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 4);
        Ledger ledger = new Ledger();
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesis())
                .dynamoDb(stack.dynamoDb())
                .retrieval(FanOut.retrieval("bench"))
                .initialPosition(InitialPosition.latest())
                .processorFactory(ledger)
                .build()) {
            worker.start();
            Thread.sleep(4_000);
            for (int tick = 0; tick < 300; tick++) {
                long sentAt = System.currentTimeMillis();
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    entries.add(PutRecordsRequestEntry.builder()
                            .partitionKey("k" + tick + "-" + i)
                            .data(SdkBytes.fromString("r" + tick + "-" + i + "@" + sentAt, StandardCharsets.UTF_8))
                            .build());
                }
                admin.put(names.streamName(), entries);
                Thread.sleep(Math.max(0, 100 - (System.currentTimeMillis() - sentAt)));
            }
            Thread.sleep(3_000);
        }
        List<Long> latencies = new ArrayList<>();
        ledger.byShard.values().forEach(list -> list.forEach(e -> latencies.add(e.atMillis() - e.sentMillis())));
        Collections.sort(latencies);
        System.out.printf(
                "BENCH fanout-latency records=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                latencies.size(),
                latencies.get(latencies.size() / 2),
                latencies.get((int) (latencies.size() * 0.99)),
                latencies.get(latencies.size() - 1));
    }
}
