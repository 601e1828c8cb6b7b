package dev.kcl.spi;

/** What a record source reports about its calls; the worker turns it into metrics at the configured level. */
public interface RetrievalMetrics {
    /** Which call. */
    enum Operation {
        GET_RECORDS,
        SUBSCRIBE_TO_SHARD
    }

    /** How a call ended. */
    enum Outcome {
        SUCCESS,
        THROTTLED,
        ERROR
    }

    /** A GetRecords call (polling) or a SubscribeToShard event or subscription (fan-out) ended this way. */
    void call(String shardId, Operation operation, Outcome outcome);

    /** How far the shard's reader is behind the tip of the stream, as the last response said. */
    void millisBehindLatest(String shardId, long millis);

    /** Reports nothing. */
    static RetrievalMetrics none() {
        return new RetrievalMetrics() {
            @Override
            public void call(String shardId, Operation operation, Outcome outcome) {}

            @Override
            public void millisBehindLatest(String shardId, long millis) {}
        };
    }
}
