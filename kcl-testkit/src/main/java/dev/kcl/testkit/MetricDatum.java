package dev.kcl.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One metric datum as {@link LocalCloudWatch} received it in a {@code PutMetricData} call.
 *
 * @param namespace the call's namespace
 * @param metricName the metric's name
 * @param dimensions dimension name to value, in the order sent
 * @param unit the unit as CloudWatch names it ({@code Count}, {@code Milliseconds}, ...), or {@code None} if absent
 * @param value the single value, if one was sent
 * @param statistics the statistic set, if one was sent
 * @param values the values of a values/counts pair, empty if none were sent
 * @param counts the counts of a values/counts pair, empty if none were sent
 * @param timestamp the datum's timestamp, if one was sent
 * @param storageResolution 1 for high resolution or 60, if sent
 */
public record MetricDatum(
        String namespace,
        String metricName,
        Map<String, String> dimensions,
        String unit,
        Optional<Double> value,
        Optional<StatisticSet> statistics,
        List<Double> values,
        List<Double> counts,
        Optional<Instant> timestamp,
        Optional<Integer> storageResolution) {

    public MetricDatum {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions));
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(statistics, "statistics");
        values = List.copyOf(values);
        counts = List.copyOf(counts);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(storageResolution, "storageResolution");
    }

    /** A statistic set: what a publisher sends instead of one datum per observation. */
    public record StatisticSet(double sampleCount, double sum, double minimum, double maximum) {}
}
