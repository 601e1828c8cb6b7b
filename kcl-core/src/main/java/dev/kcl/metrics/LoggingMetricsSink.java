package dev.kcl.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one summary line per flush interval: each metric's sum (counts and bytes) or average and maximum (times and
 * levels). What a worker uses when it has no CloudWatch client. Thread-safe.
 */
public final class LoggingMetricsSink implements MetricsSink {
    private static final Logger log = LoggerFactory.getLogger(LoggingMetricsSink.class);

    private final MetricAggregator aggregator = new MetricAggregator();

    @Override
    public void record(Metric metric) {
        aggregator.record(metric);
    }

    @Override
    public void flush() {
        List<MetricAggregator.Aggregate> aggregates = aggregator.drain();
        if (aggregates.isEmpty()) {
            return;
        }
        String summary = aggregates.stream()
                .sorted(Comparator.comparing(
                                (MetricAggregator.Aggregate a) -> a.key().name())
                        .thenComparing(a -> a.key().dimensions().toString()))
                .map(LoggingMetricsSink::describe)
                .collect(Collectors.joining(", "));
        log.info("metrics: {}", summary);
    }

    static String describe(MetricAggregator.Aggregate a) {
        String dims = a.key().dimensions().entrySet().stream()
                .filter(e -> !e.getKey().equals(MetricNames.APPLICATION))
                .map(e -> e.getValue())
                .collect(Collectors.joining(",", "", ""));
        String name = dims.isEmpty() ? a.key().name() : a.key().name() + "[" + dims + "]";
        return switch (a.key().unit()) {
            case COUNT, BYTES -> name + "=" + format(a.sum());
            default -> name + " avg " + format(a.sum() / a.sampleCount()) + " max " + format(a.maximum());
        };
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
