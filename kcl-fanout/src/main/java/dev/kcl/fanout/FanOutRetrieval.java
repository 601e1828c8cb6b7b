package dev.kcl.fanout;

import dev.kcl.Retrieval;
import dev.kcl.spi.RecordSourceFactory;
import dev.kcl.spi.RetrievalContext;
import java.util.Objects;

/** {@link Retrieval} by enhanced fan-out: registers the consumer when the worker starts, then a source per shard. */
final class FanOutRetrieval implements Retrieval {
    private final FanOutConfig config;

    FanOutRetrieval(FanOutConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public RecordSourceFactory start(RetrievalContext context) {
        // One registration per worker: sources that find the consumer gone later share it to register again.
        ConsumerRegistration registration = new ConsumerRegistration(
                context.kinesis(),
                context.streamArn(),
                config.consumerName(),
                config.registrationTimeout(),
                context.timer(),
                context.ticker());
        String consumerArn = registration.awaitActive();
        ClosedShardWatcher watcher = new ClosedShardWatcher(
                context.kinesis(), context.streamName(), context.timer(), config.shardCheckInterval());
        watcher.start();
        return new RecordSourceFactory() {
            @Override
            public dev.kcl.spi.RecordSource open(String shardId, dev.kcl.checkpoint.Checkpoint start) {
                return new FanOutRecordSource(
                        context.kinesis(),
                        context.streamName(),
                        registration,
                        consumerArn,
                        shardId,
                        start,
                        config,
                        context.timer(),
                        context.ticker(),
                        context.metrics(),
                        watcher);
            }

            @Override
            public void close() {
                watcher.stop();
            }
        };
    }

    @Override
    public String toString() {
        return "enhanced fan-out as " + config.consumerName();
    }
}
