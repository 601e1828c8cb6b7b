package dev.kcl.bench;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.internal.consumer.ConsumerContext;
import dev.kcl.internal.consumer.ConsumerRegistry;
import dev.kcl.internal.consumer.ParentGate;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.internal.metrics.Metrics;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseConfig;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.spi.RecordBatch;
import dev.kcl.spi.RecordSource;
import dev.kcl.time.Backoff;
import dev.kcl.time.Sleeper;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the worker costs per record between a fetched batch and the processor: a real lease coordinator, shard
 * consumer, de-aggregation check, dispatch to the processor pool, metrics and (optionally) a checkpoint after every
 * batch into an in-memory lease table; the record source hands out ready batches of 100 records at once, and the
 * processor does nothing. Reported as time per record delivered; {@code lanes} is {@code parallelism}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatchBenchmark {
    private static final int PER_INVOCATION = 10_000;
    private static final int BATCH = 100;

    @Param({"false", "true"})
    boolean checkpointEachBatch;

    @Param({"1", "4"})
    int lanes;

    private final AtomicLong delivered = new AtomicLong();
    private ScheduledExecutorService leaseThread;
    private ScheduledExecutorService timer;
    private ExecutorService pool;
    private LeaseCoordinator coordinator;

    @Setup(Level.Trial)
    public void start() {
        InMemoryLeaseTable table = new InMemoryLeaseTable();
        table.create(Lease.create("shardId-000000000000", StoredCheckpoint.of("TRIM_HORIZON"), Set.of()));
        leaseThread = Executors.newSingleThreadScheduledExecutor();
        timer = Executors.newSingleThreadScheduledExecutor();
        pool = Executors.newFixedThreadPool(Math.max(2, lanes));
        TaskScheduler timerScheduler = TaskScheduler.of(timer);
        ConsumerRegistry consumers = new ConsumerRegistry();
        coordinator = new LeaseCoordinator(
                "bench",
                table,
                table,
                LeaseConfig.defaults(),
                consumers,
                Ticker.system(),
                TaskScheduler.of(leaseThread));
        consumers.attach(new ConsumerContext(
                shardId -> processor(),
                (shardId, from) -> new EndlessSource(),
                coordinator,
                table,
                new ParentGate(table, timerScheduler, Duration.ofMillis(500)),
                ProcessorFailurePolicy.retryForever(),
                new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 6),
                Sleeper.system(),
                new Deaggregator(),
                Optional.empty(),
                pool,
                timerScheduler,
                Metrics.none(),
                Ticker.system(),
                "bench",
                InstantSource.system(),
                lanes));
        coordinator.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        coordinator.shutdown();
        coordinator.abandonShutdown();
        leaseThread.shutdownNow();
        timer.shutdownNow();
        pool.shutdownNow();
    }

    private RecordProcessor processor() {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                if (checkpointEachBatch) {
                    input.checkpointer().checkpoint();
                }
                delivered.addAndGet(input.records().size());
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }
        };
    }

    /** Waits until the worker has delivered another 10,000 records. */
    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public long deliverRecords() {
        long target = delivered.get() + PER_INVOCATION;
        while (delivered.get() < target) {
            LockSupport.parkNanos(20_000);
        }
        return delivered.get();
    }

    /** Batches of 100 one-kilobyte records with rising sequence numbers, always ready. */
    private static final class EndlessSource implements RecordSource {
        private static final ByteBuffer DATA = ByteBuffer.wrap(new byte[1024]);
        private long sequence = 49_000_000_000_000L;

        @Override
        public synchronized CompletableFuture<RecordBatch> next() {
            List<KinesisRecord> records = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                sequence++;
                records.add(KinesisRecord.of("key-" + (sequence % 64), Long.toString(sequence), Instant.EPOCH, DATA));
            }
            return CompletableFuture.completedFuture(new RecordBatch(records, 0, Optional.empty()));
        }

        @Override
        public void close() {}
    }
}
