package dev.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KinesisRecordTest {
    /** A record's payload as the SDK hands it over: a read-only view into part of a larger buffer. */
    private static KinesisRecord viewOf(byte[] payload) {
        ByteBuffer response = ByteBuffer.allocate(payload.length + 8);
        response.put(new byte[] {1, 2, 3, 4}).put(payload).put(new byte[] {5, 6, 7, 8});
        ByteBuffer view = response.position(4).limit(4 + payload.length).slice().asReadOnlyBuffer();
        return KinesisRecord.of("k", "1", Instant.EPOCH, view);
    }

    @Test
    void dataAsStringDecodesOnlyThePayloadAsUtf8() {
        KinesisRecord record = viewOf("grüße, 世界".getBytes(StandardCharsets.UTF_8));

        assertThat(record.dataAsString()).isEqualTo("grüße, 世界");
        assertThat(record.dataAsString()).isEqualTo("grüße, 世界"); // the view is not consumed
    }

    @Test
    void malformedBytesBecomeReplacementCharacters() {
        KinesisRecord record = viewOf(new byte[] {'a', (byte) 0xC3, 'b', (byte) 0xFF});

        assertThat(record.dataAsString()).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void dataIsAFreshReadOnlyViewAndDataBytesACopy() {
        KinesisRecord record = viewOf(new byte[] {10, 20, 30});

        ByteBuffer first = record.data();
        first.get();
        assertThat(first.isReadOnly()).isTrue();
        assertThat(record.data().remaining()).isEqualTo(3);
        byte[] copy = record.dataBytes();
        copy[0] = 99;
        assertThat(record.dataBytes()).containsExactly(10, 20, 30);
    }
}
