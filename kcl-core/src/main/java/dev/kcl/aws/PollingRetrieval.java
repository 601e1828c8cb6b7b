package dev.kcl.aws;

import dev.kcl.PollingConfig;
import dev.kcl.Retrieval;
import dev.kcl.spi.RecordSourceFactory;
import dev.kcl.spi.RetrievalContext;
import java.util.Objects;

/** {@link Retrieval} by polling: one {@link PollingRecordSource} per shard. */
public final class PollingRetrieval implements Retrieval {
    private final PollingConfig config;

    public PollingRetrieval(PollingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public PollingConfig config() {
        return config;
    }

    @Override
    public RecordSourceFactory start(RetrievalContext context) {
        return (shardId, start) -> new PollingRecordSource(
                context.kinesis(),
                context.streamName(),
                shardId,
                start,
                config,
                context.timer(),
                context.ticker(),
                context.metrics());
    }

    @Override
    public String toString() {
        return "polling " + config;
    }
}
