package dev.kcl.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.KinesisRecord;
import dev.kcl.PollingConfig;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.spi.RecordBatch;
import dev.kcl.time.Backoff;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Polling on a fake clock and a fake shard: pacing, prefetch bounds, throttling, expired iterators, shard end. */
class PollingRecordSourceTest {
    private final FakeTime time = new FakeTime();
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final FakeKinesis kinesis = new FakeKinesis(time);
    private PollingConfig config = PollingConfig.builder()
            .maxRecordsPerCall(10)
            .minCallInterval(Duration.ofMillis(200))
            .idleTime(Duration.ofMillis(500))
            .throttleBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Integer.MAX_VALUE))
            .build();

    private final List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Long> lags = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final dev.kcl.spi.RetrievalMetrics metrics = new dev.kcl.spi.RetrievalMetrics() {
        @Override
        public void call(String shardId, Operation operation, Outcome outcome) {
            outcomes.add(operation + " " + outcome);
        }

        @Override
        public void millisBehindLatest(String shardId, long millis) {
            lags.add(millis);
        }
    };

    private PollingRecordSource source(Checkpoint start) {
        return new PollingRecordSource(kinesis, "stream", "shard-0", start, config, scheduler, time, metrics);
    }

    private void advance(long millis) {
        for (long t = 0; t < millis; t += 10) {
            time.advance(Duration.ofMillis(10));
            scheduler.runDueTasks();
        }
    }

    /** The next batch, moving the fake clock until it arrives (never blocking the test thread). */
    private RecordBatch take(PollingRecordSource source) {
        CompletableFuture<RecordBatch> next = source.next();
        for (int i = 0; i < 1000 && !next.isDone(); i++) {
            advance(10);
        }
        assertThat(next).as("a batch within 10 s of fake time").isDone();
        return next.join();
    }

    private List<String> drain(PollingRecordSource source, int records) {
        List<String> data = new ArrayList<>();
        while (data.size() < records) {
            take(source).records().forEach(r -> data.add(r.dataAsString()));
        }
        return data;
    }

    private long gapsAfter(int index) {
        List<FakeKinesis.Call> gets = kinesis.calls.stream()
                .filter(c -> c.operation().equals("GetRecords"))
                .toList();
        return (gets.get(index + 1).atNanos() - gets.get(index).atNanos()) / 1_000_000;
    }

    @Test
    void readsBackToBackWhileBehindAndIdlesOnceCaughtUp() {
        kinesis.add(25);
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        assertThat(drain(source, 25)).hasSize(25);
        advance(2_000);

        assertThat(gapsAfter(0)).isEqualTo(200); // behind: only the minimum interval
        assertThat(gapsAfter(1)).isEqualTo(200);
        assertThat(gapsAfter(2)).isEqualTo(500); // caught up (5 of 10): the idle time
        assertThat(gapsAfter(3)).isEqualTo(500);
        assertThat(lags).startsWith(5_000L, 5_000L).contains(0L); // behind while records remain, then caught up
    }

    @Test
    void stopsReadingAheadAtThePrefetchBound() {
        config = PollingConfig.builder()
                .maxRecordsPerCall(10)
                .minCallInterval(Duration.ofMillis(200))
                .maxPrefetchRecords(20)
                .build();
        kinesis.add(100);
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        take(source); // the consumer takes one batch, then is busy
        advance(5_000);

        assertThat(kinesis.callCount("GetRecords")).isEqualTo(3); // 10 handed over + 20 waiting
        take(source);
        advance(1_000);
        assertThat(kinesis.callCount("GetRecords")).isEqualTo(4);
    }

    @Test
    void backsOffWhenThrottledAndLosesNothing() {
        kinesis.add(5);
        for (int i = 0; i < 3; i++) {
            kinesis.failures.add(ProvisionedThroughputExceededException.builder()
                    .message("slow down")
                    .build());
        }
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        List<String> data = drain(source, 5);

        assertThat(data).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(kinesis.calls).hasSizeGreaterThanOrEqualTo(5);
        long firstToSuccess =
                (kinesis.calls.get(4).atNanos() - kinesis.calls.get(0).atNanos()) / 1_000_000;
        assertThat(firstToSuccess).isLessThanOrEqualTo(200 + 200 + 400 + 100);
        assertThat(outcomes).filteredOn("GET_RECORDS THROTTLED"::equals).hasSize(3);
        assertThat(outcomes).filteredOn("GET_RECORDS SUCCESS"::equals).isNotEmpty();
        assertThat(outcomes).filteredOn("GET_RECORDS ERROR"::equals).isEmpty();
    }

    @Test
    void neverCallsMoreThanFiveTimesASecondEvenWhileRetrying() {
        config = PollingConfig.builder()
                .throttleBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Integer.MAX_VALUE))
                .build();
        kinesis.add(5);
        for (int i = 0; i < 20; i++) {
            kinesis.failures.add(ProvisionedThroughputExceededException.builder()
                    .message("slow down")
                    .build());
        }
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        assertThat(drain(source, 5)).containsExactly("r0", "r1", "r2", "r3", "r4");
        advance(2_000);

        assertThat(kinesis.calls).hasSizeGreaterThan(20);
        for (String operation : List.of("GetShardIterator", "GetRecords")) {
            List<FakeKinesis.Call> calls = kinesis.calls.stream()
                    .filter(c -> c.operation().equals(operation))
                    .toList();
            for (int i = 1; i < calls.size(); i++) {
                assertThat((calls.get(i).atNanos() - calls.get(i - 1).atNanos()) / 1_000_000)
                        .as("gap before %s call %d", operation, i)
                        .isGreaterThanOrEqualTo(200);
            }
        }
    }

    @Test
    void stopsReadingAheadAtThePrefetchByteBound() {
        config = PollingConfig.builder()
                .maxRecordsPerCall(10)
                .maxPrefetchBytes(50) // records r10.. are 3 bytes: two batches of 30 pass it
                .build();
        kinesis.add(100);
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        take(source); // the consumer takes one batch, then is busy
        advance(5_000);

        assertThat(kinesis.callCount("GetRecords")).isEqualTo(3); // 20 bytes handed over + 60 waiting
        take(source);
        advance(1_000);
        assertThat(kinesis.callCount("GetRecords")).isEqualTo(4);
    }

    @Test
    void replacesAnExpiredIteratorAfterTheLastRecordRead() {
        kinesis.add(10);
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());
        assertThat(drain(source, 10)).hasSize(10);

        kinesis.expireIterators();
        kinesis.add(5);
        List<String> more = drain(source, 5);

        assertThat(more).containsExactly("r10", "r11", "r12", "r13", "r14");
        FakeKinesis.Call renewal = kinesis.calls.stream()
                .filter(c -> c.iteratorRequest() != null)
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(renewal.iteratorRequest().shardIteratorType()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        assertThat(renewal.iteratorRequest().startingSequenceNumber()).isEqualTo(Long.toString(1_000_010L));
    }

    @Test
    void theLastBatchOfAClosedShardCarriesItsChildren() {
        kinesis.add(3);
        kinesis.closedShard = true;
        PollingRecordSource source = source(new Checkpoint.TrimHorizon());

        RecordBatch batch = take(source);

        assertThat(batch.records()).hasSize(3);
        assertThat(batch.shardEnded()).isTrue();
        assertThat(batch.childShards().orElseThrow())
                .singleElement()
                .satisfies(c -> assertThat(c.parentShardIds()).containsExactly("shard-0"));
        advance(5_000);
        assertThat(kinesis.callCount("GetRecords")).isEqualTo(1);
    }

    @Test
    void startsWhereTheCheckpointSays() {
        kinesis.add(10);

        String r4 = Long.toString(1_000_005L);
        assertThat(firstRecord(Checkpoint.After.of(r4, 0))).isEqualTo("r5"); // after r4
        assertThat(firstRecord(Checkpoint.After.of(r4, 2))).isEqualTo("r4"); // inside aggregated r4: at it
        assertThat(firstRecord(new Checkpoint.AtTimestamp(Instant.ofEpochSecond(1_006))))
                .isEqualTo("r6");
        assertThat(firstRecord(new Checkpoint.TrimHorizon())).isEqualTo("r0");
    }

    private String firstRecord(Checkpoint start) {
        PollingRecordSource source = source(start);
        KinesisRecord first = take(source).records().get(0);
        source.close();
        return first.dataAsString();
    }

    @Test
    void aFinishedShardIsNeverReadAgain() {
        kinesis.add(5);
        PollingRecordSource source = source(new Checkpoint.ShardEnd());

        RecordBatch batch = take(source);

        assertThat(batch.shardEnded()).isTrue();
        assertThat(batch.records()).isEmpty();
        assertThat(kinesis.calls).isEmpty();
    }
}
