package dev.kcl;

/** Creates the {@link RecordProcessor} for a shard each time this worker starts consuming it. */
@FunctionalInterface
public interface RecordProcessorFactory {
    /**
     * A new processor for {@code shardId}. Called on a worker thread each time the shard's lease is gained (and, with
     * {@code parallelism(n)}, once per lane); a processor is never reused across shards or holdings.
     */
    RecordProcessor create(String shardId);
}
