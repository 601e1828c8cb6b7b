package dev.kcl.internal.kpl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.KinesisRecord;
import dev.kcl.testkit.KplAggregator;
import dev.kcl.testkit.KplAggregator.UserRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeaggregatorTest {
    private final Deaggregator deaggregator = new Deaggregator();

    private static KinesisRecord raw(String sequence, byte[] data) {
        return KinesisRecord.of("outer-key", sequence, Instant.EPOCH, ByteBuffer.wrap(data));
    }

    @Test
    void splitsAnAggregatedRecordIntoItsUserRecordsWithSubSequenceNumbers() {
        byte[] aggregated = KplAggregator.aggregate(List.of(
                UserRecord.of("a", "one"),
                new UserRecord("b", Optional.of("12345"), "two".getBytes(StandardCharsets.UTF_8)),
                UserRecord.of("a", "three")));

        List<KinesisRecord> out = deaggregator.deaggregate("shard-0", List.of(raw("100", aggregated)));

        assertThat(out).extracting(KinesisRecord::dataAsString).containsExactly("one", "two", "three");
        assertThat(out).extracting(KinesisRecord::partitionKey).containsExactly("a", "b", "a");
        assertThat(out).extracting(KinesisRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(out).extracting(KinesisRecord::sequenceNumber).containsOnly("100");
        assertThat(out.get(1).explicitHashKey()).contains("12345");
        assertThat(out).allMatch(KinesisRecord::aggregated);
        assertThat(deaggregator.deaggregatedCount()).isEqualTo(3);
    }

    @Test
    void passesPlainRecordsThrough() {
        KinesisRecord plain = raw("7", "hello".getBytes(StandardCharsets.UTF_8));

        assertThat(deaggregator.deaggregate("shard-0", List.of(plain))).containsExactly(plain);
        assertThat(deaggregator.deaggregate("shard-0", List.of(raw("8", new byte[0]))))
                .hasSize(1);
    }

    @Test
    void aBadDigestIsDeliveredRawAndCounted() {
        byte[] aggregated = KplAggregator.aggregate(List.of(UserRecord.of("a", "one"), UserRecord.of("b", "two")));
        aggregated[aggregated.length - 1] ^= 0x01;

        List<KinesisRecord> out = deaggregator.deaggregate("shard-0", List.of(raw("100", aggregated)));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).aggregated()).isFalse();
        assertThat(out.get(0).dataBytes()).isEqualTo(aggregated);
        assertThat(deaggregator.malformedCount()).isEqualTo(1);
    }

    @Test
    void anUnreadableBodyIsDeliveredRawAndCounted() throws Exception {
        // magic, garbage protobuf, but a correct MD5 of the garbage
        byte[] body = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(body);
        ByteBuffer bad = ByteBuffer.allocate(4 + body.length + 16);
        bad.put(Deaggregator.MAGIC).put(body).put(digest).flip();
        byte[] bytes = new byte[bad.remaining()];
        bad.get(bytes);

        List<KinesisRecord> out = deaggregator.deaggregate("shard-0", List.of(raw("5", bytes)));

        assertThat(out).singleElement().satisfies(r -> assertThat(r.dataBytes()).isEqualTo(bytes));
        assertThat(deaggregator.malformedCount()).isEqualTo(1);
    }

    @Test
    void keepsOrderAcrossPlainAndAggregatedRecords() {
        byte[] aggregated = KplAggregator.aggregate(List.of(UserRecord.of("k", "x1"), UserRecord.of("k", "x2")));
        List<KinesisRecord> out = deaggregator.deaggregate(
                "shard-0",
                List.of(
                        raw("1", "p1".getBytes(StandardCharsets.UTF_8)),
                        raw("2", aggregated),
                        raw("3", "p3".getBytes(StandardCharsets.UTF_8))));

        assertThat(out).extracting(KinesisRecord::dataAsString).containsExactly("p1", "x1", "x2", "p3");
    }
}
