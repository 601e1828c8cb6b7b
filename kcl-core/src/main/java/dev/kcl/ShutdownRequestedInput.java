package dev.kcl;

import java.util.Objects;

/**
 * What {@link RecordProcessor#shutdownRequested} is given: the worker is shutting down or handing the shard to another
 * worker, and this is the last chance to checkpoint.
 *
 * @param checkpointer checkpoint what has been processed before the shard moves on
 */
public record ShutdownRequestedInput(Checkpointer checkpointer) {
    public ShutdownRequestedInput {
        Objects.requireNonNull(checkpointer, "checkpointer");
    }
}
