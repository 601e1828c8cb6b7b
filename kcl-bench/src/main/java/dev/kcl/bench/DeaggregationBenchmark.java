package dev.kcl.bench;

import dev.kcl.KinesisRecord;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.testkit.KplAggregator;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * KPL de-aggregation: one GetRecords batch of 10 aggregated records, each holding {@code userRecords} user records of
 * 100 bytes, split into user records (MD5 check, protobuf wire reading, sub-sequence numbers). Reported per batch; the
 * user-record rate is {@code 10 * userRecords} times the batch rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeaggregationBenchmark {
    @Param({"10", "100"})
    int userRecords;

    private final Deaggregator deaggregator = new Deaggregator();
    private List<KinesisRecord> batch;

    @Setup
    public void setUp() {
        batch = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            List<KplAggregator.UserRecord> users = new ArrayList<>();
            for (int i = 0; i < userRecords; i++) {
                users.add(new KplAggregator.UserRecord("key-" + (i % 17), Optional.empty(), new byte[100]));
            }
            batch.add(KinesisRecord.of(
                    "agg-" + r,
                    Long.toString(49_000_000_000L + r),
                    Instant.EPOCH,
                    ByteBuffer.wrap(KplAggregator.aggregate(users))));
        }
    }

    @Benchmark
    public List<KinesisRecord> deaggregateABatch() {
        return deaggregator.deaggregate("shardId-000000000000", batch);
    }
}
