package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.Worker;
import dev.kcl.aws.KinesisDeadLetters;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import dev.kcl.time.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Poison records on the local stack: bisected out of a batch and sent, with their payload, to a dead-letter stream. */
@KclStack
class DeadLetterIT {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(20), Duration.ofMillis(50), Integer.MAX_VALUE);

    private final Set<String> processed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calls = new AtomicInteger();

    private RecordProcessor failingOn(Predicate<String> poison) {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                calls.incrementAndGet();
                for (KinesisRecord record : input.records()) {
                    if (poison.test(record.dataAsString())) {
                        throw new IllegalStateException("cannot parse " + record.dataAsString());
                    }
                }
                input.records().forEach(r -> processed.add(r.dataAsString()));
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }
        };
    }

    private static List<String> deadLetters(AwsStack stack, String stream) {
        List<String> envelopes = new ArrayList<>();
        for (var shard : StreamAdmin.of(stack.kinesisHttp1()).shards(stream)) {
            String iterator = stack.kinesisHttp1()
                    .getShardIterator(b -> b.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .join()
                    .shardIterator();
            for (Record record : stack.kinesisHttp1()
                    .getRecords(b -> b.shardIterator(iterator))
                    .join()
                    .records()) {
                envelopes.add(record.data().asUtf8String());
            }
        }
        return envelopes;
    }

    private Worker worker(
            AwsStack stack,
            TestNames names,
            RecordProcessor processor,
            ProcessorFailurePolicy policy,
            InstantSource clock) {
        return worker(stack, names, processor, policy, clock, 1);
    }

    private Worker worker(
            AwsStack stack,
            TestNames names,
            RecordProcessor processor,
            ProcessorFailurePolicy policy,
            InstantSource clock,
            int parallelism) {
        return Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(shardId -> processor)
                .initialPosition(InitialPosition.trimHorizon())
                .failurePolicy(policy)
                .clock(clock)
                .parallelism(parallelism)
                .build();
    }

    @Test
    void bisectionFindsOneBadRecordInABatchOf500AndTheShardGoesOn(AwsStack stack, TestNames names) {
        bisectionFindsOneBadRecordInABatchOf500(stack, names, 1);
    }

    @Test
    void withFourLanesBisectionFindsTheBadRecordInItsLaneAndTheShardGoesOn(AwsStack stack, TestNames names) {
        bisectionFindsOneBadRecordInABatchOf500(stack, names, 4);
    }

    private void bisectionFindsOneBadRecordInABatchOf500(AwsStack stack, TestNames names, int parallelism) {
        // Given one shard holding 500 records, record-250 of which the processor can never handle (with lanes, in the
        // lane of its key, beside three lanes that never fail)
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        String dlq = names.unique("dlq");
        admin.create(dlq, 1);
        admin.put(names.streamName(), OneWorkerIT.records(0, 500));
        ProcessorFailurePolicy policy = ProcessorFailurePolicy.builder()
                .maxAttempts(2)
                .bisectOnFailure(true)
                .backoff(FAST)
                .thenDeadLetter(KinesisDeadLetters.stream(stack.kinesisHttp1(), dlq))
                .build();

        // When a worker consumes them, bisecting failing batches, then more records arrive
        try (Worker worker =
                worker(stack, names, failingOn("record-250"::equals), policy, InstantSource.system(), parallelism)) {
            worker.start();
            await(Duration.ofSeconds(60), () -> processed.size() >= 499, () -> processed.size() + " processed");
            admin.put(names.streamName(), OneWorkerIT.records(500, 510));
            await(Duration.ofSeconds(30), () -> processed.size() >= 509, () -> processed.size() + " processed");
            await(Duration.ofSeconds(10), () -> !deadLetters(stack, dlq).isEmpty(), () -> "no dead letter");
        }

        // Then only record-250 went to the dead-letter stream, with its payload and where it came from
        List<String> letters = deadLetters(stack, dlq);
        assertThat(letters).singleElement().satisfies(envelope -> {
            assertThat(envelope)
                    .contains(
                            "\"sourceStream\":\"" + names.streamName() + "\"",
                            "\"shardId\":\"shardId-000000000000\"",
                            "\"attempts\":2",
                            "cannot parse record-250");
            String data = envelope.replaceAll(".*\"data\":\"([^\"]*)\".*", "$1");
            assertThat(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8))
                    .isEqualTo("record-250");
        });
        assertThat(processed).hasSize(509).doesNotContain("record-250");
        assertThat(calls.get()).isLessThan(60); // about twice log2(500), not one call per record
    }

    @Test
    void aPoisonRecordReachesTheDeadLetterStreamWithItsPayloadAndTheShardGoesOn(AwsStack stack, TestNames names) {
        // Given one record the processor can never handle among 30, read one record per call (no bisection)
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        String dlq = names.unique("dlq");
        admin.create(dlq, 1);
        admin.put(names.streamName(), OneWorkerIT.records(0, 30));
        ProcessorFailurePolicy policy = ProcessorFailurePolicy.builder()
                .maxAttempts(3)
                .backoff(FAST)
                .thenDeadLetter(KinesisDeadLetters.stream(stack.kinesisHttp1(), dlq))
                .build();

        // When a worker consumes them
        try (Worker worker = Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .processorFactory(shardId -> failingOn("record-10"::equals))
                .initialPosition(InitialPosition.trimHorizon())
                .retrieval(dev.kcl.Retrieval.polling(
                        dev.kcl.PollingConfig.builder().maxRecordsPerCall(1).build()))
                .failurePolicy(policy)
                .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> processed.size() >= 29, () -> processed.size() + " processed");
            await(Duration.ofSeconds(10), () -> !deadLetters(stack, dlq).isEmpty(), () -> "no dead letter");
        }

        // Then after three attempts the poison record went to the dead-letter stream, and everything after it was read
        assertThat(deadLetters(stack, dlq)).singleElement().satisfies(envelope -> {
            assertThat(envelope).contains("\"attempts\":3", "cannot parse record-10");
            String data = envelope.replaceAll(".*\"data\":\"([^\"]*)\".*", "$1");
            assertThat(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8))
                    .isEqualTo("record-10");
        });
        assertThat(processed).hasSize(29).contains("record-11", "record-29").doesNotContain("record-10");
    }

    @Test
    void recordsPastTheMaximumAgeGoToTheDeadLettersAtOnce(AwsStack stack, TestNames names) {
        // Given records that are an hour old by the worker's clock and a processor that always fails
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        String dlq = names.unique("dlq");
        admin.create(dlq, 1);
        admin.put(names.streamName(), OneWorkerIT.records(0, 20));
        InstantSource anHourLater = () -> Instant.now().plus(Duration.ofHours(1));
        ProcessorFailurePolicy policy = ProcessorFailurePolicy.builder()
                .maxAttempts(1_000)
                .maxRecordAge(Duration.ofMinutes(10))
                .backoff(FAST)
                .thenDeadLetter(KinesisDeadLetters.stream(stack.kinesisHttp1(), dlq))
                .build();

        try (Worker worker = worker(stack, names, failingOn(data -> true), policy, anHourLater)) {
            worker.start();
            await(
                    Duration.ofSeconds(60),
                    () -> deadLetters(stack, dlq).size() >= 20,
                    () -> deadLetters(stack, dlq).size() + " dead letters");
        }

        // Then they were not retried a thousand times: one failed delivery, then the dead-letter stream
        assertThat(calls.get()).isEqualTo(1);
        assertThat(deadLetters(stack, dlq))
                .hasSize(20)
                .allSatisfy(e -> assertThat(e).contains("\"attempts\":1"));
    }
}
