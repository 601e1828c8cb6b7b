package dev.kcl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One record delivered to a {@link RecordProcessor}. Records that came out of a KPL-aggregated record share its
 * sequence number and are told apart by {@link #subSequenceNumber()}; others have sub-sequence number 0.
 *
 * @param partitionKey the partition key the producer gave
 * @param sequenceNumber the Kinesis sequence number, a decimal string
 * @param subSequenceNumber the position within an aggregated record, 0 for a plain record
 * @param approximateArrivalTimestamp when Kinesis accepted the record
 * @param data the payload: each call returns a fresh read-only view the processor may consume
 * @param explicitHashKey the explicit hash key the producer gave, if any
 * @param aggregated true when the record came out of a KPL-aggregated record
 */
public record KinesisRecord(
        String partitionKey,
        String sequenceNumber,
        long subSequenceNumber,
        Instant approximateArrivalTimestamp,
        ByteBuffer data,
        Optional<String> explicitHashKey,
        boolean aggregated) {

    public KinesisRecord {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber must not be negative: " + subSequenceNumber);
        }
        Objects.requireNonNull(approximateArrivalTimestamp, "approximateArrivalTimestamp");
        data = Objects.requireNonNull(data, "data").asReadOnlyBuffer();
        Objects.requireNonNull(explicitHashKey, "explicitHashKey");
    }

    /** A plain (not aggregated) record. */
    public static KinesisRecord of(String partitionKey, String sequenceNumber, Instant arrival, ByteBuffer data) {
        return new KinesisRecord(partitionKey, sequenceNumber, 0, arrival, data, Optional.empty(), false);
    }

    /** A fresh read-only view of the payload, positioned at its start. */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    /** The payload copied into a new array. */
    public byte[] dataBytes() {
        ByteBuffer view = data();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /**
     * The payload decoded as UTF-8 (malformed bytes become U+FFFD). Copies the bytes out of the read-only view first:
     * decoding the view directly goes byte by byte through a charset decoder, several times slower.
     */
    public String dataAsString() {
        return new String(dataBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KinesisRecord[" + sequenceNumber + (subSequenceNumber == 0 ? "" : "/" + subSequenceNumber) + " key="
                + partitionKey + " " + data.remaining() + " bytes]";
    }
}
