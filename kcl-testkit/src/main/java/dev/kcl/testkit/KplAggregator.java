package dev.kcl.testkit;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds records in the KPL aggregated format, as the Kinesis Producer Library writes them: magic bytes, a protobuf
 * AggregatedRecord, and its MD5. For tests that need real aggregated records.
 */
public final class KplAggregator {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /** One user record to aggregate. */
    public record UserRecord(String partitionKey, Optional<String> explicitHashKey, byte[] data) {
        public static UserRecord of(String partitionKey, String data) {
            return new UserRecord(partitionKey, Optional.empty(), data.getBytes(StandardCharsets.UTF_8));
        }
    }

    private KplAggregator() {}

    /** The aggregated record carrying {@code records}. */
    public static byte[] aggregate(List<UserRecord> records) {
        Map<String, Integer> keys = new LinkedHashMap<>();
        Map<String, Integer> hashKeys = new LinkedHashMap<>();
        List<byte[]> entries = new ArrayList<>();
        try {
            for (UserRecord record : records) {
                int keyIndex = keys.computeIfAbsent(record.partitionKey(), k -> keys.size());
                ByteArrayOutputStream entryBytes = new ByteArrayOutputStream();
                CodedOutputStream entry = CodedOutputStream.newInstance(entryBytes);
                entry.writeUInt64(1, keyIndex);
                if (record.explicitHashKey().isPresent()) {
                    entry.writeUInt64(
                            2, hashKeys.computeIfAbsent(record.explicitHashKey().get(), k -> hashKeys.size()));
                }
                entry.writeByteArray(3, record.data());
                entry.flush();
                entries.add(entryBytes.toByteArray());
            }
            ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
            CodedOutputStream body = CodedOutputStream.newInstance(bodyBytes);
            for (String key : keys.keySet()) {
                body.writeString(1, key);
            }
            for (String key : hashKeys.keySet()) {
                body.writeString(2, key);
            }
            for (byte[] entry : entries) {
                body.writeByteArray(3, entry);
            }
            body.flush();
            byte[] protobuf = bodyBytes.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(MAGIC);
            out.write(protobuf);
            out.write(MessageDigest.getInstance("MD5").digest(protobuf));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
