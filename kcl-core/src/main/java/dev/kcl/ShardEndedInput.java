package dev.kcl;

import java.util.Objects;

/**
 * What {@link RecordProcessor#shardEnded} is given: the shard was read to its end and its children wait for this
 * processor to checkpoint it.
 *
 * @param checkpointer call {@code checkpoint()} on it to record {@code SHARD_END}
 */
public record ShardEndedInput(Checkpointer checkpointer) {
    public ShardEndedInput {
        Objects.requireNonNull(checkpointer, "checkpointer");
    }
}
