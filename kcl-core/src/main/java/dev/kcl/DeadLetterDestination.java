package dev.kcl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Where records go when the {@link ProcessorFailurePolicy} gives up on them, so the shard can go on without losing
 * them. Built in: another Kinesis stream ({@code dev.kcl.aws.KinesisDeadLetters}) and {@link #file(Path)} for
 * development. {@link #send} throws to have kcl try again later (with backoff); the shard waits until it succeeds.
 */
@FunctionalInterface
public interface DeadLetterDestination {
    void send(List<DeadLetter> letters);

    /** Appends each letter as one line of JSON (metadata and base64 payload) to a file. */
    static DeadLetterDestination file(Path path) {
        return letters -> {
            StringBuilder lines = new StringBuilder();
            letters.forEach(letter -> lines.append(toJson(letter)).append('\n'));
            synchronized (DeadLetterDestination.class) {
                try {
                    Files.writeString(
                            path, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write dead letters to " + path, e);
                }
            }
        };
    }

    /**
     * The envelope every built-in destination writes: the source stream, shard, sequence and sub-sequence numbers,
     * partition key, arrival time, attempts, error, when kcl gave up, and the payload in base64.
     */
    static String toJson(DeadLetter letter) {
        KinesisRecord record = letter.record();
        return "{\"sourceStream\":" + quote(letter.streamName())
                + ",\"shardId\":" + quote(letter.shardId())
                + ",\"sequenceNumber\":" + quote(record.sequenceNumber())
                + ",\"subSequenceNumber\":" + record.subSequenceNumber()
                + ",\"partitionKey\":" + quote(record.partitionKey())
                + ",\"approximateArrivalTimestamp\":"
                + quote(record.approximateArrivalTimestamp().toString())
                + ",\"attempts\":" + letter.attempts()
                + ",\"error\":" + quote(letter.error())
                + ",\"failedAt\":" + quote(letter.failedAt().toString())
                + ",\"data\":" + quote(Base64.getEncoder().encodeToString(record.dataBytes()))
                + "}";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
