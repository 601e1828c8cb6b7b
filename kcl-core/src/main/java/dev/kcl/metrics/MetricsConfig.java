package dev.kcl.metrics;

import java.time.Duration;
import java.util.Objects;

/**
 * Metrics settings. Immutable; build with {@link #builder()}.
 *
 * @param level how much is published
 * @param namespace the CloudWatch namespace
 * @param flushInterval how often aggregated data is published
 * @param maxBufferedDatums a sink whose backend is down keeps at most this many data points, dropping the oldest
 */
public record MetricsConfig(MetricsLevel level, String namespace, Duration flushInterval, int maxBufferedDatums) {
    public MetricsConfig {
        Objects.requireNonNull(level, "level");
        if (namespace == null || namespace.isBlank() || namespace.length() > 255) {
            throw new IllegalArgumentException("namespace must be 1-255 characters, was '" + namespace + "'");
        }
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (flushInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("flushInterval must be at least 1 s, was " + flushInterval);
        }
        if (maxBufferedDatums < 1) {
            throw new IllegalArgumentException("maxBufferedDatums must be at least 1, was " + maxBufferedDatums);
        }
    }

    public static MetricsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MetricsConfig}. */
    public static final class Builder {
        private MetricsLevel level = MetricsLevel.SUMMARY;
        private String namespace = "kcl";
        private Duration flushInterval = Duration.ofSeconds(60);
        private int maxBufferedDatums = 10_000;

        private Builder() {}

        /** Default {@link MetricsLevel#SUMMARY}. */
        public Builder level(MetricsLevel level) {
            this.level = level;
            return this;
        }

        /** Default {@code kcl}. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Default 60 s. */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /** Default 10,000. */
        public Builder maxBufferedDatums(int maxBufferedDatums) {
            this.maxBufferedDatums = maxBufferedDatums;
            return this;
        }

        public MetricsConfig build() {
            return new MetricsConfig(level, namespace, flushInterval, maxBufferedDatums);
        }
    }
}
