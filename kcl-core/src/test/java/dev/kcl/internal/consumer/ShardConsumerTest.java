package dev.kcl.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitializationInput;
import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostInput;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseConfig;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseListener;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.metrics.MetricNames;
import dev.kcl.spi.ChildShard;
import dev.kcl.spi.RecordBatch;
import dev.kcl.spi.RecordSource;
import dev.kcl.testkit.KplAggregator;
import dev.kcl.time.Backoff;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One shard consumer on one thread: a fake clock, a scripted record source and a scripted processor. */
class ShardConsumerTest {
    private static final String SHARD = "shard-0";
    private final FakeTime time = new FakeTime();
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final InMemoryLeaseTable table = new InMemoryLeaseTable();
    private final Deque<RecordBatch> batches = new ArrayDeque<>();
    private final List<String> calls = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private boolean checkpointAtShardEnd = true;
    private boolean checkpointAtShutdown;
    private int shardEndedCalls;
    private LeaseCoordinator coordinator;
    private RecordProcessor replacement;
    private int parallelism = 1;
    private java.time.InstantSource clock = java.time.InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<dev.kcl.DeadLetter> deadLetters = new ArrayList<>();
    private java.util.function.Predicate<List<String>> failWhen = data -> false;
    private final ParentGate parentGate = new ParentGate(table, scheduler, Duration.ofMillis(500));
    private final List<dev.kcl.metrics.Metric> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The sum of what was recorded under {@code name} (SUMMARY: one observation per event). */
    private double metric(String name) {
        return recorded.stream()
                .filter(m -> m.name().equals(name))
                .mapToDouble(dev.kcl.metrics.Metric::value)
                .sum();
    }

    /** Serves the scripted batches; waits (pending future) when there are none. */
    private final class ScriptedSource implements RecordSource {
        CompletableFuture<RecordBatch> pending;

        @Override
        public CompletableFuture<RecordBatch> next() {
            RecordBatch batch = batches.poll();
            if (batch != null) {
                return CompletableFuture.completedFuture(batch);
            }
            pending = new CompletableFuture<>();
            return pending;
        }

        @Override
        public void close() {
            calls.add("source closed");
        }
    }

    private final RecordProcessor processor = new RecordProcessor() {
        @Override
        public void initialize(InitializationInput input) {
            calls.add("initialize " + input.startingCheckpoint());
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            List<String> data =
                    input.records().stream().map(KinesisRecord::dataAsString).toList();
            calls.add("process " + data);
            if (failuresLeft.getAndDecrement() > 0 || failWhen.test(data)) {
                throw new IllegalStateException("poison");
            }
            input.checkpointer().checkpoint();
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            calls.add("shardEnded");
            shardEndedCalls++;
            if (checkpointAtShardEnd || shardEndedCalls > 1) {
                input.checkpointer().checkpoint();
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
            calls.add("leaseLost");
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            calls.add("shutdownRequested");
            if (checkpointAtShutdown) {
                input.checkpointer().checkpoint();
            }
        }
    };

    private ShardConsumer consumer(StoredCheckpoint start, ProcessorFailurePolicy policy) {
        Lease lease = Lease.builder(SHARD).checkpoint(start).build();
        table.create(lease);
        coordinator = new LeaseCoordinator(
                "w",
                table,
                table,
                LeaseConfig.defaults(),
                new LeaseListener() {
                    @Override
                    public void leaseGained(Lease l) {}

                    @Override
                    public void leaseLost(String leaseKey, String reason) {}

                    @Override
                    public void handoffRequested(Lease l) {}
                },
                time,
                scheduler);
        coordinator.start();
        run(Duration.ofSeconds(1));
        assertThat(coordinator.holds(SHARD)).isEqualTo(!start.isShardEnd()); // a finished lease is never gained
        ConsumerContext context = new ConsumerContext(
                shardId -> replacement != null ? replacement : processor,
                (shardId, from) -> new ScriptedSource(),
                coordinator,
                table,
                parentGate,
                policy,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 3),
                d -> {},
                new Deaggregator(),
                Optional.empty(),
                Runnable::run,
                scheduler,
                new dev.kcl.internal.metrics.Metrics(
                        recorded::add, dev.kcl.metrics.MetricsLevel.SUMMARY, "app", "w", clock),
                time,
                "stream",
                clock,
                parallelism);
        return new ShardConsumer(
                coordinator.heldLease(SHARD).orElseGet(() -> table.get(SHARD).orElseThrow()), context);
    }

    private void run(Duration duration) {
        for (long t = 0; t < duration.toMillis(); t += 10) {
            time.advance(Duration.ofMillis(10));
            scheduler.runDueTasks();
        }
    }

    private static KinesisRecord record(String sequence, String data) {
        return KinesisRecord.of("k", sequence, Instant.EPOCH, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static RecordBatch batch(KinesisRecord... records) {
        return new RecordBatch(List.of(records), 0, Optional.empty());
    }

    private static final ProcessorFailurePolicy RETRY = ProcessorFailurePolicy.retryForever()
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), Integer.MAX_VALUE));

    @Test
    void deliversInOrderThenEndsTheShardAndHandsOverToItsChildren() {
        batches.add(batch(record("101", "a"), record("102", "b")));
        batches.add(new RecordBatch(
                List.of(record("103", "c")),
                0,
                Optional.of(List.of(new ChildShard("child-1", Set.of(SHARD), Optional.empty())))));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls)
                .containsExactly(
                        "initialize TRIM_HORIZON", "process [a, b]", "process [c]", "shardEnded", "source closed");
        assertThat(consumer.terminated()).isDone();
        Lease parent = table.get(SHARD).orElseThrow();
        assertThat(parent.checkpoint()).contains(StoredCheckpoint.of("SHARD_END"));
        assertThat(parent.childShardIds()).containsExactly("child-1");
        Lease child = table.get("child-1").orElseThrow();
        assertThat(child.owner()).contains("w");
        assertThat(child.parentShardIds()).containsExactly(SHARD);
        assertThat(child.checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void aFailingBatchIsDeliveredAgainUntilItSucceeds() {
        failuresLeft.set(2);
        batches.add(batch(record("101", "a")));
        batches.add(batch(record("102", "b")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(2));

        assertThat(calls).containsSubsequence("process [a]", "process [a]", "process [a]", "process [b]");
        assertThat(calls).filteredOn(c -> c.equals("process [a]")).hasSize(3);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("102"));
        assertThat(metric(MetricNames.PROCESSOR_FAILURES)).isEqualTo(2);
        assertThat(metric(MetricNames.RECORDS_PROCESSED)).isEqualTo(2);
        assertThat(metric(MetricNames.BYTES_PROCESSED)).isEqualTo(2);
        assertThat(metric(MetricNames.CHECKPOINT_SUCCESS)).isEqualTo(2);
        assertThat(metric(MetricNames.CHECKPOINT_FAILURE)).isZero();
    }

    @Test
    void stopShardLeavesTheLeaseHeldAndDeliversNothingMore() {
        failuresLeft.set(100);
        batches.add(batch(record("101", "a")));
        batches.add(batch(record("102", "b")));
        ShardConsumer consumer = consumer(
                StoredCheckpoint.of("TRIM_HORIZON"),
                ProcessorFailurePolicy.stopShardAfter(2)
                        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), Integer.MAX_VALUE)));

        consumer.start();
        run(Duration.ofSeconds(5));

        assertThat(calls).filteredOn(c -> c.startsWith("process")).containsExactly("process [a]", "process [a]");
        assertThat(coordinator.holds(SHARD)).isTrue();
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        consumer.shutdownRequested();
        run(Duration.ofMillis(100));
        assertThat(calls).endsWith("shutdownRequested", "source closed");
    }

    @Test
    void skippingIsAnExplicitChoiceThatMovesOn() {
        failuresLeft.set(1);
        batches.add(batch(record("101", "a")));
        batches.add(batch(record("102", "b")));
        ShardConsumer consumer =
                consumer(StoredCheckpoint.of("TRIM_HORIZON"), ProcessorFailurePolicy.skipBatchAfter(1));

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).filteredOn(c -> c.startsWith("process")).containsExactly("process [a]", "process [b]");
        assertThat(metric(MetricNames.RECORDS_SKIPPED)).isEqualTo(1);
        assertThat(metric(MetricNames.PROCESSOR_FAILURES)).isEqualTo(1);
    }

    @Test
    void resumesInsideAnAggregatedRecordAfterItsCheckpoint() {
        byte[] aggregated = KplAggregator.aggregate(List.of(
                KplAggregator.UserRecord.of("k", "x0"),
                KplAggregator.UserRecord.of("k", "x1"),
                KplAggregator.UserRecord.of("k", "x2")));
        batches.add(
                batch(KinesisRecord.of("k", "100", Instant.EPOCH, ByteBuffer.wrap(aggregated)), record("101", "y")));
        ShardConsumer consumer = consumer(new StoredCheckpoint("100", 1), RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).contains("initialize 100/1", "process [x2, y]");
        assertThat(metric(MetricNames.RECORDS_DEAGGREGATED)).isEqualTo(3);
        assertThat(metric(MetricNames.MALFORMED_AGGREGATED_RECORDS)).isZero();
    }

    @Test
    void aLostLeaseEndsWithLeaseLostOnlyOnce() {
        batches.add(batch(record("101", "a")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);
        consumer.start();
        run(Duration.ofMillis(100));

        consumer.leaseLost();
        consumer.leaseLost();
        consumer.shutdownRequested();
        run(Duration.ofMillis(100));

        assertThat(calls).containsExactly("initialize TRIM_HORIZON", "process [a]", "leaseLost", "source closed");
        assertThat(consumer.terminated()).isDone();
    }

    @Test
    void aProcessorThatDoesNotCheckpointShardEndIsCalledAgain() {
        checkpointAtShardEnd = false;
        batches.add(new RecordBatch(List.of(record("101", "a")), 0, Optional.of(List.of())));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(2));

        assertThat(calls).filteredOn("shardEnded"::equals).hasSize(2);
        assertThat(metric(MetricNames.SHARD_END_NOT_CHECKPOINTED)).isEqualTo(1);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("SHARD_END"));
        assertThat(consumer.terminated()).isDone();
    }

    @Test
    void aChildWaitsForItsParentToEnd() {
        table.create(Lease.builder("parent")
                .owner("other")
                .checkpoint(StoredCheckpoint.of("500"))
                .build());
        Lease child = Lease.builder(SHARD)
                .checkpoint(StoredCheckpoint.of("TRIM_HORIZON"))
                .parentShardIds(Set.of("parent"))
                .build();
        table.create(child);
        batches.add(batch(record("101", "a")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(2));
        assertThat(calls).isEmpty(); // no processor until the parent has ended

        Lease parent = table.get("parent").orElseThrow();
        table.updateProgress(
                parent,
                parent.toBuilder().checkpoint(StoredCheckpoint.of("SHARD_END")).build());
        run(Duration.ofSeconds(1));
        assertThat(calls).containsExactly("initialize TRIM_HORIZON", "process [a]");
    }

    @Test
    void startsAtTheCheckpointedPosition() {
        ShardConsumer consumer = consumer(StoredCheckpoint.of("555"), RETRY);
        consumer.start();
        run(Duration.ofMillis(100));

        assertThat(calls).containsExactly("initialize 555");
        assertThat(Checkpoint.fromStored(StoredCheckpoint.of("555"), Optional.empty()))
                .isEqualTo(Checkpoint.After.of("555", 0));
    }

    @Test
    void aFinishedLeaseIsNotConsumedAgain() {
        batches.add(batch(record("101", "a")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("SHARD_END"), RETRY);

        consumer.start();
        run(Duration.ofMillis(200));

        assertThat(calls).isEmpty();
        assertThat(consumer.terminated()).isDone();
    }

    private static RecordBatch numbered(int from, int to, Instant arrival) {
        List<KinesisRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(KinesisRecord.of(
                    "k" + i,
                    Integer.toString(1000 + i),
                    arrival,
                    ByteBuffer.wrap(("r" + i).getBytes(StandardCharsets.UTF_8))));
        }
        return new RecordBatch(records, 0, Optional.empty());
    }

    private ProcessorFailurePolicy deadLetterPolicy(int attempts) {
        return ProcessorFailurePolicy.builder()
                .maxAttempts(attempts)
                .bisectOnFailure(true)
                .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), Integer.MAX_VALUE))
                .thenDeadLetter(deadLetters::addAll)
                .build();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "parallelism {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4})
    void bisectionIsolatesThePoisonRecordWhichGoesToTheDeadLetters(int lanes) {
        parallelism = lanes;
        failWhen = data -> data.contains("r37");
        batches.add(numbered(0, 100, Instant.parse("2025-12-31T23:59:00Z")));
        batches.add(numbered(100, 101, Instant.parse("2025-12-31T23:59:00Z")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), deadLetterPolicy(2));

        consumer.start();
        run(Duration.ofSeconds(5));

        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.record().dataAsString()).isEqualTo("r37");
            assertThat(letter.shardId()).isEqualTo(SHARD);
            assertThat(letter.streamName()).isEqualTo("stream");
            assertThat(letter.attempts()).isEqualTo(2);
            assertThat(letter.error()).contains("poison");
        });
        // every record reached a processor (the shard went on to r100); with lanes, those of the lanes without the
        // poison record exactly once
        int poisonLane = Math.floorMod("k37".hashCode(), lanes);
        Map<String, Long> processed = timesProcessed();
        for (int i = 0; i <= 100; i++) {
            assertThat(processed).as("r%d reached a processor", i).containsKey("r" + i);
            if (Math.floorMod(("k" + i).hashCode(), lanes) != poisonLane) {
                assertThat(processed.get("r" + i)).as("r%d, in another lane", i).isEqualTo(1);
            }
        }
        assertThat(metric(MetricNames.RECORDS_DEAD_LETTERED)).isEqualTo(1);
        assertThat(calls.stream().filter(c -> c.startsWith("process")).count()).isLessThan(30); // ~2 log2(100) + 2
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("1100"));
    }

    @Test
    void aPartialFailureKeepsWhatSucceededAndRetriesTheRest() {
        AtomicInteger throwsLeft = new AtomicInteger(1);
        RecordProcessor partial = new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                calls.add("process "
                        + input.records().stream()
                                .map(KinesisRecord::dataAsString)
                                .toList());
                for (KinesisRecord record : input.records()) {
                    if (record.dataAsString().equals("r2") && throwsLeft.getAndDecrement() > 0) {
                        throw new dev.kcl.RecordFailedException(record, new IllegalStateException("not yet"));
                    }
                }
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }
        };
        batches.add(numbered(0, 5, Instant.EPOCH));
        ShardConsumer consumer = consumerWith(partial, RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).containsExactly("process [r0, r1, r2, r3, r4]", "process [r2, r3, r4]");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("1004"));
    }

    @Test
    void aRetryDoesNotRedeliverWhatTheProcessorCheckpointedBeforeFailing() {
        AtomicInteger throwsLeft = new AtomicInteger(1);
        RecordProcessor halfway = new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                calls.add("process "
                        + input.records().stream()
                                .map(KinesisRecord::dataAsString)
                                .toList());
                input.checkpointer().checkpoint(input.records().get(0)); // the first is done...
                if (throwsLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("...then it fails");
                }
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }
        };
        batches.add(numbered(0, 3, Instant.EPOCH));
        ShardConsumer consumer = consumerWith(halfway, RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).containsExactly("process [r0, r1, r2]", "process [r1, r2]");
    }

    @Test
    void recordsOlderThanTheMaximumAgeGoStraightToTheDeadLetters() {
        failWhen = data -> true;
        clock = java.time.InstantSource.fixed(Instant.parse("2026-01-01T01:00:00Z"));
        batches.add(numbered(0, 3, Instant.parse("2026-01-01T00:00:00Z")));
        ShardConsumer consumer = consumer(
                StoredCheckpoint.of("TRIM_HORIZON"),
                ProcessorFailurePolicy.builder()
                        .maxAttempts(100)
                        .maxRecordAge(Duration.ofMinutes(30))
                        .thenDeadLetter(deadLetters::addAll)
                        .build());

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).filteredOn(c -> c.startsWith("process")).hasSize(1);
        assertThat(deadLetters).extracting(l -> l.record().dataAsString()).containsExactly("r0", "r1", "r2");
    }

    @Test
    void aDeadLetterDestinationThatFailsIsTriedAgainAndNothingIsSkipped() {
        failWhen = data -> true;
        AtomicInteger refusals = new AtomicInteger(2);
        List<dev.kcl.DeadLetter> sent = new ArrayList<>();
        batches.add(numbered(0, 1, Instant.EPOCH));
        ShardConsumer consumer = consumer(
                StoredCheckpoint.of("TRIM_HORIZON"),
                ProcessorFailurePolicy.builder()
                        .maxAttempts(1)
                        .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), Integer.MAX_VALUE))
                        .thenDeadLetter(letters -> {
                            if (refusals.getAndDecrement() > 0) {
                                throw new IllegalStateException("destination down");
                            }
                            sent.addAll(letters);
                        })
                        .build());

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(sent).extracting(l -> l.record().dataAsString()).containsExactly("r0");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("1000"));
    }

    private ShardConsumer consumerWith(RecordProcessor custom, ProcessorFailurePolicy policy) {
        ShardConsumer base = consumer(StoredCheckpoint.of("TRIM_HORIZON"), policy);
        replacement = custom;
        return base;
    }

    private static KinesisRecord keyed(String key, String sequence, String data) {
        return KinesisRecord.of(key, sequence, Instant.EPOCH, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
    }

    // "A".hashCode() % 3 == 2, "B" -> 0, "C" -> 1: three keys, three lanes
    private static RecordBatch threeKeys() {
        return batch(
                keyed("A", "101", "a1"),
                keyed("B", "102", "b1"),
                keyed("A", "103", "a2"),
                keyed("C", "104", "c1"),
                keyed("B", "105", "b2"));
    }

    @Test
    void lanesSplitABatchByPartitionKeyAndKeepEachKeysOrder() {
        parallelism = 3;
        batches.add(threeKeys());
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).filteredOn(c -> c.startsWith("initialize")).hasSize(3);
        assertThat(calls)
                .filteredOn(c -> c.startsWith("process"))
                .containsExactlyInAnyOrder("process [a1, a2]", "process [b1, b2]", "process [c1]");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("105"));
    }

    @Test
    void aFailingLaneIsRetriedAloneAndTheCheckpointStopsBeforeItsFirstUnfinishedRecord() {
        parallelism = 3;
        failWhen = data -> data.contains("c1");
        batches.add(threeKeys());
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofMillis(350));

        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("103"));
        failWhen = data -> false;
        run(Duration.ofSeconds(1));
        assertThat(calls)
                .filteredOn(c -> c.startsWith("process"))
                .containsOnly("process [a1, a2]", "process [b1, b2]", "process [c1]");
        assertThat(calls)
                .filteredOn(c -> c.startsWith("process [a") || c.startsWith("process [b"))
                .hasSize(2);
        assertThat(calls).filteredOn(c -> c.equals("process [c1]")).hasSizeGreaterThan(2);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("105"));
    }

    @Test
    void aFailingLaneThatHoldsTheFirstRecordKeepsTheCheckpointWhereItWas() {
        parallelism = 3;
        failWhen = data -> data.contains("a1");
        batches.add(threeKeys());
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofMillis(350));

        assertThat(calls)
                .filteredOn(c -> c.startsWith("process [b") || c.startsWith("process [c"))
                .containsExactlyInAnyOrder("process [b1, b2]", "process [c1]");
        assertThat(calls).filteredOn(c -> c.equals("process [a1, a2]")).hasSizeGreaterThan(1);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        checkpointAtShutdown = true;
        consumer.shutdownRequested();
        run(Duration.ofMillis(200));
        assertThat(calls).contains("shutdownRequested");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    /** A lane processor that records its calls and, on the record "a1", runs the given signal as if it came now. */
    private RecordProcessor signallingLanes(java.util.function.Consumer<ShardConsumer> signal, ShardConsumer[] holder) {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                List<String> data = input.records().stream()
                        .map(KinesisRecord::dataAsString)
                        .toList();
                calls.add("process " + data);
                if (data.contains("a1")) {
                    signal.accept(holder[0]); // arrives while the lanes are still running
                }
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }

            @Override
            public void leaseLost(LeaseLostInput input) {
                calls.add("leaseLost");
            }

            @Override
            public void shutdownRequested(ShutdownRequestedInput input) {
                calls.add("shutdownRequested");
            }
        };
    }

    @Test
    void aHandoffRequestedWhileLanesRunWaitsForThemAndCheckpointsWhatTheyFinished() {
        parallelism = 3;
        batches.add(threeKeys());
        ShardConsumer[] holder = new ShardConsumer[1];
        holder[0] = consumerWith(signallingLanes(ShardConsumer::shutdownRequested, holder), RETRY);

        holder[0].start();
        run(Duration.ofSeconds(1));

        List<String> lifecycle =
                calls.stream().filter(c -> !c.startsWith("source")).toList();
        assertThat(lifecycle.subList(0, 3))
                .containsExactlyInAnyOrder("process [a1, a2]", "process [b1, b2]", "process [c1]");
        assertThat(lifecycle.subList(3, lifecycle.size()))
                .containsExactly("shutdownRequested", "shutdownRequested", "shutdownRequested");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("105"));
        assertThat(holder[0].terminated()).isDone();
    }

    @Test
    void aLeaseLostWhileLanesRunIsHeardOnlyAfterEveryLaneReturned() {
        parallelism = 3;
        batches.add(threeKeys());
        ShardConsumer[] holder = new ShardConsumer[1];
        holder[0] = consumerWith(signallingLanes(ShardConsumer::leaseLost, holder), RETRY);

        holder[0].start();
        run(Duration.ofSeconds(1));

        List<String> lifecycle =
                calls.stream().filter(c -> !c.startsWith("source")).toList();
        assertThat(lifecycle.subList(0, 3)).allMatch(c -> c.startsWith("process"));
        assertThat(lifecycle.subList(3, lifecycle.size())).containsExactly("leaseLost", "leaseLost", "leaseLost");
        assertThat(table.get(SHARD).orElseThrow().checkpoint())
                .contains(StoredCheckpoint.of("TRIM_HORIZON")); // a lost lease writes nothing
        assertThat(holder[0].terminated()).isDone();
    }

    @Test
    void aLaneReportingARecordThatIsNotItsOwnFinishesNothing() {
        parallelism = 3;
        batches.add(threeKeys());
        AtomicInteger failures = new AtomicInteger(1);
        ShardConsumer consumer = consumerWith(
                new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {
                        List<String> data = input.records().stream()
                                .map(KinesisRecord::dataAsString)
                                .toList();
                        calls.add("process " + data);
                        if (data.contains("b1") && failures.getAndDecrement() > 0) {
                            throw new dev.kcl.RecordFailedException(
                                    keyed("Z", "999", "not in this lane"), new IllegalStateException("bad report"));
                        }
                    }

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }
                },
                RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).filteredOn("process [b1, b2]"::equals).hasSize(2); // the whole lane again
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("105"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "parallelism {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void onlyRecordsPastTheMaximumAgeGoToTheDeadLettersTheYoungerOnesAreRetried(int lanes) {
        parallelism = lanes; // one key: with lanes, all in one lane, in order
        clock = java.time.InstantSource.fixed(Instant.parse("2026-01-01T01:00:00Z"));
        List<KinesisRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant arrival = Instant.parse(i < 2 ? "2026-01-01T00:00:00Z" : "2026-01-01T00:59:00Z");
            records.add(KinesisRecord.of(
                    "A",
                    Integer.toString(1000 + i),
                    arrival,
                    ByteBuffer.wrap(("r" + i).getBytes(StandardCharsets.UTF_8))));
        }
        batches.add(new RecordBatch(records, 0, Optional.empty()));
        AtomicInteger failures = new AtomicInteger(1);
        failWhen = data -> failures.getAndDecrement() > 0;
        ShardConsumer consumer = consumer(
                StoredCheckpoint.of("TRIM_HORIZON"),
                ProcessorFailurePolicy.builder()
                        .maxAttempts(100)
                        .maxRecordAge(Duration.ofMinutes(30))
                        .bisectOnFailure(true)
                        .thenDeadLetter(deadLetters::addAll)
                        .build());

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(deadLetters).extracting(l -> l.record().dataAsString()).containsExactly("r0", "r1");
        assertThat(calls)
                .filteredOn(c -> c.startsWith("process"))
                .containsExactly("process [r0, r1, r2, r3]", "process [r2, r3]");
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("1003"));
    }

    @Test
    void aLeaseStoredAtTimestampWithoutATimeIsNotReadFromAGuessedPosition() {
        batches.add(batch(record("101", "a")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("AT_TIMESTAMP"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));
        assertThat(calls).isEmpty(); // no processor, nothing read
        assertThat(metric(MetricNames.UNUSABLE_CHECKPOINTS)).isEqualTo(1);

        consumer.leaseLost();
        run(Duration.ofMillis(100));
        assertThat(calls).isEmpty(); // a processor never initialized gets no final call
        assertThat(consumer.terminated()).isDone();
    }

    @Test
    void checkpointsRecordTheShardsThroughputForTheBalancer() {
        byte[] kilobyte = new byte[512];
        batches.add(batch(
                KinesisRecord.of("k", "101", Instant.EPOCH, ByteBuffer.wrap(kilobyte)),
                KinesisRecord.of("k", "102", Instant.EPOCH, ByteBuffer.wrap(kilobyte)),
                KinesisRecord.of("k", "103", Instant.EPOCH, ByteBuffer.wrap(kilobyte)),
                KinesisRecord.of("k", "104", Instant.EPOCH, ByteBuffer.wrap(kilobyte))));
        ShardConsumer consumer = consumerWith(
                new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {
                        time.advance(Duration.ofSeconds(2)); // 2 KB that took two seconds
                        input.checkpointer().checkpoint();
                    }

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }
                },
                RETRY);

        consumer.start();
        run(Duration.ofMillis(100));

        Lease stored = table.get(SHARD).orElseThrow();
        assertThat(stored.checkpoint()).contains(StoredCheckpoint.of("104"));
        assertThat(stored.throughputKBps())
                .hasValueSatisfying(kbps -> assertThat(kbps).isBetween(0.9, 1.0));
    }

    @Test
    void aRecordWithTheAggregationMagicButABadBodyIsDeliveredAsItCameAndCounted() {
        byte[] aggregated = KplAggregator.aggregate(
                List.of(KplAggregator.UserRecord.of("k", "x0"), KplAggregator.UserRecord.of("k", "x1")));
        aggregated[aggregated.length - 1] ^= 0x55; // the MD5 no longer matches
        batches.add(batch(KinesisRecord.of("k", "100", Instant.EPOCH, ByteBuffer.wrap(aggregated))));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);

        consumer.start();
        run(Duration.ofSeconds(1));

        assertThat(calls).filteredOn(c -> c.startsWith("process")).hasSize(1);
        assertThat(metric(MetricNames.MALFORMED_AGGREGATED_RECORDS)).isEqualTo(1);
        assertThat(metric(MetricNames.RECORDS_DEAGGREGATED)).isZero();
        assertThat(metric(MetricNames.RECORDS_PROCESSED)).isEqualTo(1);
        assertThat(metric(MetricNames.BYTES_PROCESSED)).isEqualTo(aggregated.length);
    }

    @Test
    void aParentEndingOnThisWorkerWakesItsChildAtOnceWithoutWaitingForTheRecheck() {
        table.create(Lease.builder("parent")
                .owner("w")
                .checkpoint(StoredCheckpoint.of("500"))
                .build());
        table.create(Lease.builder(SHARD)
                .checkpoint(StoredCheckpoint.of("TRIM_HORIZON"))
                .parentShardIds(Set.of("parent"))
                .build());
        batches.add(batch(record("101", "a")));
        ShardConsumer consumer = consumer(StoredCheckpoint.of("TRIM_HORIZON"), RETRY);
        consumer.start();
        run(Duration.ofSeconds(2));
        assertThat(calls).isEmpty();

        // the parent's consumer on this worker checkpoints SHARD_END and says so; no time passes
        Lease parent = table.get("parent").orElseThrow();
        table.updateProgress(
                parent,
                parent.toBuilder().checkpoint(StoredCheckpoint.of("SHARD_END")).build());
        parentGate.finished("parent");
        scheduler.runDueTasks();

        assertThat(calls).containsExactly("initialize TRIM_HORIZON", "process [a]");
    }

    /** How many times each record's data reached a processor. */
    private Map<String, Long> timesProcessed() {
        return calls.stream()
                .filter(c -> c.startsWith("process ["))
                .flatMap(c -> java.util.Arrays.stream(
                        c.substring("process [".length(), c.length() - 1).split(", ")))
                .collect(java.util.stream.Collectors.groupingBy(d -> d, java.util.stream.Collectors.counting()));
    }

    @Test
    void inLanesAPolicyThatStopsTheShardKeepsTheCheckpointBeforeTheFailingRecord() {
        parallelism = 3;
        failWhen = data -> data.contains("c1");
        batches.add(threeKeys());
        batches.add(batch(keyed("A", "106", "a3")));
        ShardConsumer consumer = consumer(
                StoredCheckpoint.of("TRIM_HORIZON"),
                ProcessorFailurePolicy.builder()
                        .maxAttempts(2)
                        .bisectOnFailure(true)
                        .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), Integer.MAX_VALUE))
                        .thenStopShard()
                        .build());

        consumer.start();
        run(Duration.ofSeconds(2));

        assertThat(calls).filteredOn(c -> c.equals("process [c1]")).hasSize(2);
        assertThat(calls).doesNotContain("process [a3]"); // the shard stopped: no next batch
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("103"));
    }
}
