package dev.kcl.metrics;

/**
 * Where a worker's metrics go. Built in: CloudWatch ({@code dev.kcl.aws.CloudWatchMetricsSink}), a periodic log
 * summary ({@link LoggingMetricsSink}) and {@link #noop()}. Implement it to feed Micrometer, OpenTelemetry or
 * anything else (docs/metrics.md shows how).
 *
 * <p>{@link #record} is called on processing threads, often: it must be cheap, thread-safe and never block.
 * {@link #flush} is called by the worker every flush interval, on its timer thread; a sink that sends data should
 * send it asynchronously.
 */
public interface MetricsSink {
    void record(Metric metric);

    /** Publishes what was aggregated since the last flush. */
    default void flush() {}

    /** A last flush when the worker stops. Does not close clients the sink was given. */
    default void close() {
        flush();
    }

    /** Discards everything. */
    static MetricsSink noop() {
        return metric -> {};
    }
}
