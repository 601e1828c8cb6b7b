package dev.kcl.internal.kpl;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.kcl.KinesisRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits KPL-aggregated records into the user records they carry.
 *
 * <p>The KPL format: the magic bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord}, then the 16-byte MD5 of
 * that protobuf body. {@code AggregatedRecord} has a partition key table (field 1), an explicit hash key table (field
 * 2) and records (field 3); each record has a partition key index (1), an optional explicit hash key index (2) and
 * its data (3). User record {@code i} gets sub-sequence number {@code i}.
 *
 * <p>Parsing uses protobuf-java's wire reader. A record with the magic bytes but a bad MD5 or an unreadable body is
 * delivered as it is, as one plain record, and counted; nothing is dropped. Stateless and thread-safe apart from the
 * counters, which are atomic.
 */
public final class Deaggregator {
    private static final Logger log = LoggerFactory.getLogger(Deaggregator.class);
    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    static final int DIGEST_LENGTH = 16;

    private final java.util.concurrent.atomic.AtomicLong deaggregated = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong malformed = new java.util.concurrent.atomic.AtomicLong();

    /** User records produced from aggregated records so far. */
    public long deaggregatedCount() {
        return deaggregated.get();
    }

    /** Records that looked aggregated but were not well formed, delivered as they were. */
    public long malformedCount() {
        return malformed.get();
    }

    /**
     * The records split, with counts for this call.
     *
     * @param deaggregated user records taken out of aggregated records
     * @param malformed records that looked aggregated but were delivered as they were
     */
    public record Result(List<KinesisRecord> records, int deaggregated, int malformed) {}

    /** The user records in {@code records}, in order; plain records pass through unchanged. */
    public List<KinesisRecord> deaggregate(String shardId, List<KinesisRecord> records) {
        return split(shardId, records).records();
    }

    /** Like {@link #deaggregate}, with this call's counts. */
    public Result split(String shardId, List<KinesisRecord> records) {
        int users = 0;
        int bad = 0;
        List<KinesisRecord> out = new ArrayList<>(records.size());
        for (KinesisRecord record : records) {
            ByteBuffer data = record.data();
            if (!hasMagic(data)) {
                out.add(record);
                continue;
            }
            try {
                List<KinesisRecord> split = parse(record, data);
                deaggregated.addAndGet(split.size());
                users += split.size();
                out.addAll(split);
            } catch (MalformedAggregateException e) {
                malformed.incrementAndGet();
                bad++;
                log.warn(
                        "{} record {} looks KPL-aggregated but {}: delivering it as one plain record",
                        shardId,
                        record.sequenceNumber(),
                        e.getMessage());
                out.add(record);
            }
        }
        return new Result(out, users, bad);
    }

    static boolean hasMagic(ByteBuffer data) {
        if (data.remaining() < MAGIC.length + DIGEST_LENGTH) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data.get(data.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static List<KinesisRecord> parse(KinesisRecord record, ByteBuffer data) throws MalformedAggregateException {
        int bodyStart = data.position() + MAGIC.length;
        int bodyEnd = data.limit() - DIGEST_LENGTH;
        ByteBuffer body = data.duplicate();
        body.position(bodyStart).limit(bodyEnd);
        ByteBuffer digest = data.duplicate();
        digest.position(bodyEnd);
        if (!md5(body.duplicate()).equals(digest)) {
            throw new MalformedAggregateException("its MD5 does not match");
        }
        List<String> partitionKeys = new ArrayList<>();
        List<String> hashKeys = new ArrayList<>();
        List<ByteBuffer> entries = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(body);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> partitionKeys.add(in.readStringRequireUtf8());
                    case 2 -> hashKeys.add(in.readStringRequireUtf8());
                    case 3 -> entries.add(in.readBytes().asReadOnlyByteBuffer());
                    default -> in.skipField(tag);
                }
            }
            List<KinesisRecord> users = new ArrayList<>(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                users.add(userRecord(record, i, entries.get(i), partitionKeys, hashKeys));
            }
            if (users.isEmpty()) {
                throw new MalformedAggregateException("it holds no records");
            }
            return users;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedAggregateException m) {
                throw m;
            }
            throw new MalformedAggregateException("its protobuf body is unreadable (" + e.getMessage() + ")");
        }
    }

    private static KinesisRecord userRecord(
            KinesisRecord parent, int index, ByteBuffer entry, List<String> partitionKeys, List<String> hashKeys)
            throws IOException, MalformedAggregateException {
        long partitionKeyIndex = -1;
        long hashKeyIndex = -1;
        ByteBuffer data = null;
        CodedInputStream in = CodedInputStream.newInstance(entry);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> partitionKeyIndex = in.readUInt64();
                case 2 -> hashKeyIndex = in.readUInt64();
                case 3 -> data = in.readBytes().asReadOnlyByteBuffer();
                default -> in.skipField(tag);
            }
        }
        if (partitionKeyIndex < 0 || partitionKeyIndex >= partitionKeys.size() || data == null) {
            throw new MalformedAggregateException("record " + index + " has no valid partition key index or data");
        }
        Optional<String> hashKey = Optional.empty();
        if (hashKeyIndex >= 0) {
            if (hashKeyIndex >= hashKeys.size()) {
                throw new MalformedAggregateException(
                        "record " + index + " has an explicit hash key index out of range");
            }
            hashKey = Optional.of(hashKeys.get((int) hashKeyIndex));
        }
        return new KinesisRecord(
                partitionKeys.get((int) partitionKeyIndex),
                parent.sequenceNumber(),
                index,
                parent.approximateArrivalTimestamp(),
                data,
                hashKey,
                true);
    }

    private static ByteBuffer md5(ByteBuffer body) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(body);
            return ByteBuffer.wrap(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }

    /** Why an aggregated record could not be split. */
    static final class MalformedAggregateException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedAggregateException(String message) {
            super(message);
        }
    }
}
