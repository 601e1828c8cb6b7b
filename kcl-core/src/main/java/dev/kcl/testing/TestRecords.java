package dev.kcl.testing;

import dev.kcl.KinesisRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds {@link KinesisRecord}s from plain values, with increasing sequence numbers, for unit tests of a processor.
 * Thread-safe.
 */
public final class TestRecords {
    private final AtomicLong sequence;
    private final Instant arrival;

    /** Sequence numbers start at {@code 49600000000000000000000000000000000000000000000000000001}. */
    public TestRecords() {
        this(1, Instant.parse("2026-01-01T00:00:00Z"));
    }

    public TestRecords(long firstSequence, Instant arrival) {
        this.sequence = new AtomicLong(firstSequence);
        this.arrival = arrival;
    }

    /** One record with UTF-8 data and a partition key equal to the data. */
    public KinesisRecord record(String data) {
        return record(data, data);
    }

    /** One record with UTF-8 data and the given partition key. */
    public KinesisRecord record(String partitionKey, String data) {
        return KinesisRecord.of(
                partitionKey, nextSequence(), arrival, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
    }

    /** Records with UTF-8 data, in order. */
    public List<KinesisRecord> records(String... data) {
        List<KinesisRecord> records = new ArrayList<>(data.length);
        for (String d : data) {
            records.add(record(d));
        }
        return records;
    }

    /** The user records of one KPL-aggregated record: one sequence number, sub-sequence numbers 0, 1, ... */
    public List<KinesisRecord> aggregated(String partitionKey, String... data) {
        String seq = nextSequence();
        List<KinesisRecord> records = new ArrayList<>(data.length);
        for (int i = 0; i < data.length; i++) {
            records.add(new KinesisRecord(
                    partitionKey,
                    seq,
                    i,
                    arrival,
                    ByteBuffer.wrap(data[i].getBytes(StandardCharsets.UTF_8)),
                    Optional.empty(),
                    true));
        }
        return records;
    }

    private String nextSequence() {
        return String.format(Locale.ROOT, "496%053d", sequence.getAndIncrement());
    }
}
