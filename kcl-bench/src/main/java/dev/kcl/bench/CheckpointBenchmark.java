package dev.kcl.bench;

import dev.kcl.checkpoint.CheckpointStore;
import dev.kcl.checkpoint.ShardCheckpointer;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.time.Backoff;
import dev.kcl.time.Sleeper;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the checkpointer costs a processor apart from the DynamoDB write itself: validating a checkpoint against the
 * records delivered and the one committed (parsing the 56-digit sequence number, comparing), building the change and
 * recording the result, against a store that applies every write at once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CheckpointBenchmark {
    private static final BigInteger FIRST = new BigInteger("49590338271490256608559692538361571095921575989136588898");

    private ShardCheckpointer checkpointer;
    private BigInteger next = FIRST;

    /** Applies every write to a lease it keeps in memory. */
    private static final class ImmediateStore implements CheckpointStore {
        private Lease lease =
                Lease.create("shardId-000000000000", StoredCheckpoint.of("TRIM_HORIZON"), Set.of()).toBuilder()
                        .owner(Optional.of("bench"))
                        .counter(1)
                        .build();

        @Override
        public Optional<Lease> lease(String leaseKey) {
            return Optional.of(lease);
        }

        @Override
        public LeaseWrite update(String leaseKey, UnaryOperator<Lease> change) {
            lease = change.apply(lease);
            return new LeaseWrite.Applied(lease);
        }
    }

    @Setup
    public void setUp() {
        checkpointer = new ShardCheckpointer(
                "shardId-000000000000",
                StoredCheckpoint.of("TRIM_HORIZON"),
                new ImmediateStore(),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), 3),
                Sleeper.system());
    }

    /** A batch's last record delivered, then checkpointed by its sequence number, as a processor would. */
    @Benchmark
    public void checkpointAtARecord() {
        next = next.add(BigInteger.TWO);
        String sequence = next.toString();
        checkpointer.delivered(sequence, 0);
        checkpointer.checkpoint(sequence, 0);
    }

    /** The processor's usual call: everything delivered so far. */
    @Benchmark
    public void checkpointEverythingDelivered() {
        next = next.add(BigInteger.TWO);
        checkpointer.delivered(next.toString(), 0);
        checkpointer.checkpoint();
    }
}
