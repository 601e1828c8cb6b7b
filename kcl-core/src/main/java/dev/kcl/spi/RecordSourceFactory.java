package dev.kcl.spi;

import dev.kcl.checkpoint.Checkpoint;

/** Opens record sources for the shards a worker consumes; made by a {@link dev.kcl.Retrieval} when a worker starts. */
public interface RecordSourceFactory extends AutoCloseable {
    /**
     * Opens the shard for reading after {@code start} (for an aggregated record checkpointed part-way, the source may
     * start at that record; the consumer drops what was already processed).
     */
    RecordSource open(String shardId, Checkpoint start);

    /** Releases what the factory holds (connections, registrations); does not close the Kinesis client. */
    @Override
    default void close() {}
}
