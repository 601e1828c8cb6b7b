package dev.kcl;

import java.util.Objects;

/** @param checkpointer checkpoint what has been processed before the shard moves on */
public record ShutdownRequestedInput(Checkpointer checkpointer) {
    public ShutdownRequestedInput {
        Objects.requireNonNull(checkpointer, "checkpointer");
    }
}
