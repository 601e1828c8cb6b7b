package dev.kcl.metrics;

/** How much a worker publishes. */
public enum MetricsLevel {
    /** Nothing. */
    NONE,
    /** Application-wide figures only: what operators watch, at a cost that does not grow with the shard count. */
    SUMMARY,
    /** Also per shard ({@code ShardId}) and per worker ({@code WorkerId}) dimensions: many more metrics. */
    DETAILED
}
