package dev.kcl.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Folds observations into one statistic set per metric and dimensions until drained: what turns a metric per record
 * into one data point per interval. Thread-safe; recording takes one short lock on the metric's own accumulator.
 */
public final class MetricAggregator {
    /** Metric identity: what CloudWatch keys a time series by. */
    public record Key(String name, MetricUnit unit, Map<String, String> dimensions) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit");
            dimensions = Map.copyOf(dimensions);
        }
    }

    /** The aggregate of an interval. */
    public record Aggregate(
            Key key, double sampleCount, double sum, double minimum, double maximum, Instant timestamp) {}

    private static final class Accumulator {
        double count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        Instant last = Instant.EPOCH;

        synchronized void add(double value, Instant at) {
            count++;
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (at.isAfter(last)) {
                last = at;
            }
        }
    }

    private final Map<Key, Accumulator> current = new ConcurrentHashMap<>();

    public void record(Metric metric) {
        current.computeIfAbsent(new Key(metric.name(), metric.unit(), metric.dimensions()), k -> new Accumulator())
                .add(metric.value(), metric.timestamp());
    }

    /** The aggregates since the last drain; starts a new interval. */
    public List<Aggregate> drain() {
        List<Aggregate> out = new ArrayList<>();
        for (Key key : List.copyOf(current.keySet())) {
            Accumulator accumulator = current.remove(key);
            if (accumulator == null) {
                continue;
            }
            synchronized (accumulator) {
                if (accumulator.count > 0) {
                    out.add(new Aggregate(
                            key,
                            accumulator.count,
                            accumulator.sum,
                            accumulator.min,
                            accumulator.max,
                            accumulator.last));
                }
            }
        }
        return out;
    }
}
