package dev.kcl.bench;

import dev.kcl.KinesisRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
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
 * Reading a record's payload as text, what most processors do first: {@link KinesisRecord#dataAsString()} against
 * decoding its read-only {@link KinesisRecord#data()} view with the charset, as hand-written code often does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordDataBenchmark {
    @Param({"100", "1000"})
    public int size;

    private KinesisRecord record;

    @Setup
    public void setUp() {
        byte[] data = String.format(Locale.ROOT, "%0" + size + "d", 7).getBytes(StandardCharsets.UTF_8);
        // as records come from the SDK: a read-only view of a larger response buffer
        ByteBuffer response = ByteBuffer.allocate(size + 64);
        response.position(32);
        response.put(data);
        response.position(32).limit(32 + size);
        record = KinesisRecord.of("k", "1", Instant.EPOCH, response.slice().asReadOnlyBuffer());
    }

    @Benchmark
    public String dataAsString() {
        return record.dataAsString();
    }

    @Benchmark
    public String charsetDecodeOfTheView() {
        return StandardCharsets.UTF_8.decode(record.data()).toString();
    }
}
