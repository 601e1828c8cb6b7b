package dev.kcl;

/** Creates the {@link RecordProcessor} for a shard each time this worker starts consuming it. */
@FunctionalInterface
public interface RecordProcessorFactory {
    RecordProcessor create(String shardId);
}
