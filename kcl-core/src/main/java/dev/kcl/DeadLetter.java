package dev.kcl;

import java.time.Instant;
import java.util.Objects;

/**
 * A record the failure policy gave up on, with where it came from and why.
 *
 * @param streamName the stream it was read from
 * @param shardId the shard
 * @param record the record, payload included
 * @param attempts how many times it was delivered before kcl gave up
 * @param error the last failure, as {@code Class: message}
 * @param failedAt when kcl gave up
 */
public record DeadLetter(
        String streamName, String shardId, KinesisRecord record, int attempts, String error, Instant failedAt) {
    public DeadLetter {
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
