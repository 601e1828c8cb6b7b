package dev.kcl.internal.kpl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kcl.KinesisRecord;
import dev.kcl.testkit.KplAggregator;
import dev.kcl.testkit.KplAggregator.UserRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * The KPL aggregated format, checked against an implementation kcl did not write: AWS's KCL, whose protobuf classes
 * and de-aggregator are those the KPL's format is defined by.
 */
class KplCompatibilityTest {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    @Test
    void kclDeaggregatesWhatKclsOwnProtobufClassesWrote() throws NoSuchAlgorithmException {
        Messages.AggregatedRecord message = Messages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("orders-1")
                .addPartitionKeyTable("orders-2")
                .addExplicitHashKeyTable("170141183460469231731687303715884105728")
                .addRecords(
                        Messages.Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("first")))
                .addRecords(Messages.Record.newBuilder()
                        .setPartitionKeyIndex(1)
                        .setExplicitHashKeyIndex(0)
                        .setData(ByteString.copyFromUtf8("second")))
                .addRecords(
                        Messages.Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("third")))
                .build();
        byte[] body = message.toByteArray();
        byte[] record = concat(MAGIC, body, MessageDigest.getInstance("MD5").digest(body));

        List<KinesisRecord> out = new Deaggregator()
                .deaggregate(
                        "shard-0", List.of(KinesisRecord.of("outer", "100", Instant.EPOCH, ByteBuffer.wrap(record))));

        assertThat(out).extracting(KinesisRecord::dataAsString).containsExactly("first", "second", "third");
        assertThat(out).extracting(KinesisRecord::partitionKey).containsExactly("orders-1", "orders-2", "orders-1");
        assertThat(out).extracting(KinesisRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(out.get(1).explicitHashKey()).contains("170141183460469231731687303715884105728");
    }

    @Test
    void kclsDeaggregatorReadsTheRecordsTheTestKitAggregates() {
        byte[] aggregated = KplAggregator.aggregate(List.of(
                UserRecord.of("a", "one"),
                new UserRecord("b", Optional.of("12345"), "two".getBytes(StandardCharsets.UTF_8)),
                UserRecord.of("a", "three")));
        KinesisClientRecord outer = KinesisClientRecord.builder()
                .partitionKey("outer")
                .sequenceNumber("100")
                .approximateArrivalTimestamp(Instant.EPOCH)
                .data(ByteBuffer.wrap(aggregated))
                .build();

        List<KinesisClientRecord> users = new AggregatorUtil().deaggregate(List.of(outer));

        assertThat(users).extracting(KplCompatibilityTest::text).containsExactly("one", "two", "three");
        assertThat(users).extracting(KinesisClientRecord::partitionKey).containsExactly("a", "b", "a");
        assertThat(users).extracting(KinesisClientRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(users).allMatch(KinesisClientRecord::aggregated);
        assertThat(users.get(1).explicitHashKey()).isEqualTo("12345");
    }

    private static String text(KinesisClientRecord record) {
        ByteBuffer data = record.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
