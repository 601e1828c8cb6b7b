/**
 * Metrics: kcl's own metric types, the {@link dev.kcl.metrics.MetricsSink} interface with its log and no-op sinks,
 * and the levels. The CloudWatch sink is {@code dev.kcl.aws.CloudWatchMetricsSink}. docs/metrics.md lists every metric.
 */
package dev.kcl.metrics;
