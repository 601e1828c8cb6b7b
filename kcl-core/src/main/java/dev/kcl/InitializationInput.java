package dev.kcl;

import java.util.Objects;

/**
 * What {@link RecordProcessor#initialize} is told: the shard, and where processing resumes.
 *
 * @param shardId the shard this processor consumes
 * @param startingCheckpoint where processing resumes: a sequence number (processing resumes after it), or
 *     {@code TRIM_HORIZON}, {@code LATEST} or {@code AT_TIMESTAMP} for a shard not processed before
 */
public record InitializationInput(String shardId, String startingCheckpoint) {
    public InitializationInput {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(startingCheckpoint, "startingCheckpoint");
    }
}
