package dev.kcl;

import dev.kcl.aws.PollingRetrieval;
import dev.kcl.spi.RecordSourceFactory;
import dev.kcl.spi.RetrievalContext;

/**
 * How a worker reads its shards: {@link #polling()} with {@code GetRecords} (the default), or enhanced fan-out with
 * {@code dev.kcl.fanout.FanOut.retrieval(consumerName)} from {@code kcl-fanout}.
 */
public interface Retrieval {
    /** Polling with the default {@link PollingConfig}. */
    static Retrieval polling() {
        return polling(PollingConfig.defaults());
    }

    /** Polling with {@code config}. */
    static Retrieval polling(PollingConfig config) {
        return new PollingRetrieval(config);
    }

    /** Called once when the worker starts; the factory opens a source per shard. */
    RecordSourceFactory start(RetrievalContext context);
}
