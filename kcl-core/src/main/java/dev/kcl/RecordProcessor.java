package dev.kcl;

/**
 * Your code: processes the records of one shard. A {@link RecordProcessorFactory} creates one per shard lease a
 * worker holds.
 *
 * <h2>Lifecycle</h2>
 *
 * {@link #initialize} is called once before the first batch; then {@link #processRecords} for each batch, in
 * sequence order; then exactly one of {@link #shardEnded} (the shard was read to its end),
 * {@link #leaseLost} (another worker took the shard over) or {@link #shutdownRequested} (this worker is shutting down
 * or handing the shard to another worker).
 *
 * <h2>Threads</h2>
 *
 * Calls to one processor never overlap: they are made one after another (not always on the same thread), so a
 * processor needs no locks for its own state. Processors of different shards run concurrently.
 *
 * <h2>Failures</h2>
 *
 * If {@link #processRecords} throws, the worker's {@link ProcessorFailurePolicy} applies: by default the same batch is
 * delivered again after a backoff, for as long as it keeps failing. Records are never skipped because your code
 * failed, unless you opt in.
 */
public interface RecordProcessor {
    /** Called once, before the first batch, with the checkpoint the shard resumes from. */
    default void initialize(InitializationInput input) {}

    /** Processes one batch; checkpoint through {@code input.checkpointer()} when it suits you. */
    void processRecords(ProcessRecordsInput input);

    /** Another worker holds the shard now: stop; checkpointing is no longer possible. */
    default void leaseLost(LeaseLostInput input) {}

    /**
     * Every record of the shard has been delivered: finish and call {@code input.checkpointer().checkpoint()}, which
     * records {@code SHARD_END} and lets the shard's children start. A processor that does not is called again.
     */
    void shardEnded(ShardEndedInput input);

    /** The worker is shutting down or handing the shard over: the last chance to checkpoint. */
    default void shutdownRequested(ShutdownRequestedInput input) {}
}
