package dev.kcl.internal.metrics;

import dev.kcl.metrics.Metric;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricUnit;
import dev.kcl.metrics.MetricsLevel;
import dev.kcl.metrics.MetricsSink;
import dev.kcl.spi.RetrievalMetrics;
import dev.kcl.time.WallClock;
import java.time.InstantSource;
import java.util.Map;

/**
 * The engine's side of metrics: applies the level and builds the dimensions, so callers just say what happened. At
 * SUMMARY every metric carries only {@code ApplicationName}; at DETAILED shard metrics are also recorded with
 * {@code ShardId} and worker metrics with {@code WorkerId}. Thread-safe.
 */
public final class Metrics implements RetrievalMetrics {
    private final MetricsSink sink;
    private final MetricsLevel level;
    private final InstantSource clock;
    private final Map<String, String> application;
    private final Map<String, String> worker;

    public Metrics(MetricsSink sink, MetricsLevel level, String applicationName, String workerId, InstantSource clock) {
        this.sink = sink;
        this.level = level;
        this.clock = clock;
        this.application = Map.of(MetricNames.APPLICATION, applicationName);
        this.worker = Map.of(MetricNames.APPLICATION, applicationName, MetricNames.WORKER, workerId);
    }

    /** Records nothing. */
    public static Metrics none() {
        return new Metrics(MetricsSink.noop(), MetricsLevel.NONE, "-", "-", WallClock.system());
    }

    public MetricsSink sink() {
        return sink;
    }

    /** A worker-wide observation (leases, heartbeat). */
    public void worker(String name, MetricUnit unit, double value) {
        if (level == MetricsLevel.NONE) {
            return;
        }
        sink.record(new Metric(name, unit, value, application, clock.instant()));
        if (level == MetricsLevel.DETAILED) {
            sink.record(new Metric(name, unit, value, worker, clock.instant()));
        }
    }

    /** An observation about one shard. */
    public void shard(String shardId, String name, MetricUnit unit, double value) {
        if (level == MetricsLevel.NONE) {
            return;
        }
        sink.record(new Metric(name, unit, value, application, clock.instant()));
        if (level == MetricsLevel.DETAILED) {
            sink.record(new Metric(
                    name,
                    unit,
                    value,
                    Map.of(
                            MetricNames.APPLICATION,
                            application.get(MetricNames.APPLICATION),
                            MetricNames.SHARD,
                            shardId),
                    clock.instant()));
        }
    }

    /** A count about one shard. */
    public void count(String shardId, String name, double count) {
        shard(shardId, name, MetricUnit.COUNT, count);
    }

    @Override
    public void call(String shardId, Operation operation, Outcome outcome) {
        boolean polling = operation == Operation.GET_RECORDS;
        String name = switch (outcome) {
            case SUCCESS -> polling ? MetricNames.GET_RECORDS_SUCCESS : MetricNames.SUBSCRIBE_TO_SHARD_SUCCESS;
            case THROTTLED -> polling ? MetricNames.GET_RECORDS_THROTTLED : MetricNames.SUBSCRIBE_TO_SHARD_THROTTLED;
            case ERROR -> polling ? MetricNames.GET_RECORDS_ERRORS : MetricNames.SUBSCRIBE_TO_SHARD_ERRORS;
        };
        count(shardId, name, 1);
    }

    @Override
    public void millisBehindLatest(String shardId, long millis) {
        shard(shardId, MetricNames.MILLIS_BEHIND_LATEST, MetricUnit.MILLISECONDS, millis);
    }
}
