package dev.kcl;

import java.util.Objects;

/** @param checkpointer call {@code checkpoint()} on it to record {@code SHARD_END} */
public record ShardEndedInput(Checkpointer checkpointer) {
    public ShardEndedInput {
        Objects.requireNonNull(checkpointer, "checkpointer");
    }
}
