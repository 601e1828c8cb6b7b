package dev.kcl.e2e;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Benchmark, not a test: propagation latency (put to processRecords) of polling with one consumer at a steady rate
 * of 200 records/s over 4 shards, as LOCAL-STACK.md measured KCL. Run with
 * {@code ./mvnw -pl kcl-core verify -Dit.test=PropagationLatencyIT -Dtest=NONE -Dkcl.bench=true}.
 */
@KclStack
@EnabledIfSystemProperty(named = "kcl.bench", matches = "true")
class PropagationLatencyIT {
    private static final Logger log = LoggerFactory.getLogger(PropagationLatencyIT.class);

    @Test
    void pollingLatencyAtASteadyRate(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 4);
        List<Long> latencies = new CopyOnWriteArrayList<>();
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .initialPosition(InitialPosition.latest())
                .processorFactory(shardId -> new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {
                        long now = System.currentTimeMillis();
                        for (KinesisRecord record : input.records()) {
                            latencies.add(now - Long.parseLong(record.dataAsString()));
                        }
                        input.checkpointer().checkpoint();
                    }

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }
                })
                .build()) {
            worker.start();
            Thread.sleep(3_000); // every shard is being read
            int seconds = 30;
            for (int tick = 0; tick < seconds * 10; tick++) {
                long sentAt = System.currentTimeMillis();
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    entries.add(PutRecordsRequestEntry.builder()
                            .partitionKey("k" + tick + "-" + i)
                            .data(SdkBytes.fromString(Long.toString(sentAt), StandardCharsets.UTF_8))
                            .build());
                }
                admin.put(names.streamName(), entries);
                long spent = System.currentTimeMillis() - sentAt;
                Thread.sleep(Math.max(0, 100 - spent));
            }
            Thread.sleep(2_000);
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) (sorted.size() * 0.99));
        log.info(
                "polling propagation latency, 200 records/s over 4 shards, {} records: p50 {} ms, p99 {} ms, max {} ms",
                sorted.size(),
                p50,
                p99,
                sorted.get(sorted.size() - 1));
        System.out.printf(
                "BENCH polling-latency records=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                sorted.size(), p50, p99, sorted.get(sorted.size() - 1));
    }
}
