package dev.kcl.fanout;

import dev.kcl.aws.AwsErrors;
import dev.kcl.time.TaskScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;

/**
 * Tells fan-out sources when their shard has been closed, for streams whose subscriptions never send the final event
 * (see {@link FanOutRecordSource}). One paged ListShards per interval for the whole worker, whatever its shard count.
 * Thread-safe.
 */
final class ClosedShardWatcher {
    private static final Logger log = LoggerFactory.getLogger(ClosedShardWatcher.class);

    private final KinesisAsyncClient kinesis;
    private final String stream;
    private final TaskScheduler timer;
    private final Duration interval;
    private final Map<String, Runnable> watched = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    ClosedShardWatcher(KinesisAsyncClient kinesis, String stream, TaskScheduler timer, Duration interval) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.timer = timer;
        this.interval = interval;
    }

    void start() {
        timer.schedule(this::poll, interval);
    }

    void stop() {
        stopped = true;
    }

    /** Calls {@code onClosed} each interval while the shard is closed, until {@link #unwatch}. */
    void watch(String shardId, Runnable onClosed) {
        watched.put(shardId, onClosed);
    }

    void unwatch(String shardId) {
        watched.remove(shardId);
    }

    private void poll() {
        if (stopped) {
            return;
        }
        if (watched.isEmpty()) {
            timer.schedule(this::poll, interval);
            return;
        }
        list(null);
    }

    private void list(String token) {
        var request = token == null
                ? kinesis.listShards(b -> b.streamName(stream))
                : kinesis.listShards(b -> b.nextToken(token));
        request.whenComplete((response, error) -> {
            if (error != null) {
                log.debug("listing shards to find closed ones failed: {}", AwsErrors.describe(error));
                timer.schedule(this::poll, interval);
                return;
            }
            notifyClosed(response);
            if (response.nextToken() != null) {
                list(response.nextToken());
            } else {
                timer.schedule(this::poll, interval);
            }
        });
    }

    private void notifyClosed(ListShardsResponse response) {
        response.shards().forEach(shard -> {
            boolean closed = shard.sequenceNumberRange() != null
                    && shard.sequenceNumberRange().endingSequenceNumber() != null;
            Runnable onClosed = closed ? watched.get(shard.shardId()) : null;
            if (onClosed != null) {
                onClosed.run();
            }
        });
    }
}
