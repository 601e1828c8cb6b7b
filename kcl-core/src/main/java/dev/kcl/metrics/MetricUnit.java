package dev.kcl.metrics;

/** Units kcl's metrics use; sinks translate them (CloudWatch: {@code Count}, {@code Milliseconds}, ...). */
public enum MetricUnit {
    COUNT,
    MILLISECONDS,
    BYTES,
    NONE
}
