package dev.kcl.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The records of one shard, pulled batch by batch: polling and enhanced fan-out both adapt to this, so the shard
 * consumer is the same for both. Implementations prefetch within their own bounds and are thread-safe.
 */
public interface RecordSource extends AutoCloseable {
    /**
     * The next batch, in order; completes when one is available. The caller asks for the next batch only after this
     * one completed. After a batch with {@link RecordBatch#shardEnded()} nothing more comes.
     */
    CompletableFuture<RecordBatch> next();

    /** Stops reading; a pending {@link #next()} completes exceptionally. */
    @Override
    void close();
}
