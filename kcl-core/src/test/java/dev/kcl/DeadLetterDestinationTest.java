package dev.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterDestinationTest {
    @TempDir
    Path dir;

    private static DeadLetter letter(String sequence, long subSequence, String data, String error) {
        KinesisRecord record = new KinesisRecord(
                "key-\"1\"",
                sequence,
                subSequence,
                Instant.parse("2026-11-22T10:00:00Z"),
                ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)),
                java.util.Optional.empty(),
                subSequence > 0);
        return new DeadLetter(
                "orders", "shardId-000000000001", record, 3, error, Instant.parse("2026-11-22T10:05:00Z"));
    }

    @Test
    void aFileDestinationAppendsOneJsonLinePerRecordWithItsPayloadAndWhereItCameFrom() throws IOException {
        Path file = dir.resolve("dead-letters.jsonl");
        DeadLetterDestination destination = DeadLetterDestination.file(file);

        destination.send(List.of(letter("101", 0, "first", "IllegalStateException: bad\nline")));
        destination.send(List.of(letter("102", 2, "sécond", "boom")));

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("sourceStream").asText()).isEqualTo("orders");
        assertThat(first.get("shardId").asText()).isEqualTo("shardId-000000000001");
        assertThat(first.get("sequenceNumber").asText()).isEqualTo("101");
        assertThat(first.get("subSequenceNumber").asLong()).isZero();
        assertThat(first.get("partitionKey").asText()).isEqualTo("key-\"1\"");
        assertThat(first.get("approximateArrivalTimestamp").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(first.get("attempts").asInt()).isEqualTo(3);
        assertThat(first.get("error").asText()).isEqualTo("IllegalStateException: bad\nline");
        assertThat(first.get("failedAt").asText()).isEqualTo("2026-11-22T10:05:00Z");
        assertThat(new String(Base64.getDecoder().decode(first.get("data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("first");
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("subSequenceNumber").asLong()).isEqualTo(2);
        assertThat(new String(Base64.getDecoder().decode(second.get("data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("sécond");
    }
}
