package dev.kcl.metrics;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One observation: a count, a time, a size or a level, with its dimensions. Engine code records these; sinks decide
 * how to aggregate and where to send them, so no engine code depends on a metrics backend.
 *
 * @param name one of {@link MetricNames}
 * @param dimensions dimension name to value, such as {@code ApplicationName} and, at DETAILED, {@code ShardId}
 * @param timestamp when it was observed
 */
public record Metric(String name, MetricUnit unit, double value, Map<String, String> dimensions, Instant timestamp) {
    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
