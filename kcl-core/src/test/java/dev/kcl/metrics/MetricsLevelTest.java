package dev.kcl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.internal.metrics.Metrics;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MetricsLevelTest {
    private final List<Metric> recorded = new CopyOnWriteArrayList<>();
    private final MetricsSink sink = recorded::add;
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void summaryCarriesOnlyTheApplication() {
        Metrics metrics = new Metrics(sink, MetricsLevel.SUMMARY, "app", "w1", clock);

        metrics.count("shard-1", MetricNames.RECORDS_PROCESSED, 10);
        metrics.worker(MetricNames.LEASES_HELD, MetricUnit.COUNT, 4);

        assertThat(recorded).extracting(Metric::dimensions).containsOnly(Map.of("ApplicationName", "app"));
        assertThat(recorded).hasSize(2);
    }

    @Test
    void detailedAddsShardAndWorkerDimensions() {
        Metrics metrics = new Metrics(sink, MetricsLevel.DETAILED, "app", "w1", clock);

        metrics.count("shard-1", MetricNames.RECORDS_PROCESSED, 10);
        metrics.worker(MetricNames.LEASES_HELD, MetricUnit.COUNT, 4);

        assertThat(recorded)
                .extracting(Metric::dimensions)
                .containsExactly(
                        Map.of("ApplicationName", "app"),
                        Map.of("ApplicationName", "app", "ShardId", "shard-1"),
                        Map.of("ApplicationName", "app"),
                        Map.of("ApplicationName", "app", "WorkerId", "w1"));
    }

    @Test
    void noneRecordsNothing() {
        Metrics metrics = new Metrics(sink, MetricsLevel.NONE, "app", "w1", clock);

        metrics.count("shard-1", MetricNames.RECORDS_PROCESSED, 10);
        metrics.worker(MetricNames.LEASES_HELD, MetricUnit.COUNT, 4);

        assertThat(recorded).isEmpty();
    }

    @Test
    void aggregatesIntoStatisticSets() {
        MetricAggregator aggregator = new MetricAggregator();
        for (double v : new double[] {5, 1, 9}) {
            aggregator.record(new Metric(
                    "ProcessingLatency", MetricUnit.MILLISECONDS, v, Map.of("ApplicationName", "a"), clock.instant()));
        }

        assertThat(aggregator.drain()).singleElement().satisfies(a -> {
            assertThat(a.sampleCount()).isEqualTo(3);
            assertThat(a.sum()).isEqualTo(15);
            assertThat(a.minimum()).isEqualTo(1);
            assertThat(a.maximum()).isEqualTo(9);
        });
        assertThat(aggregator.drain()).isEmpty();
    }

    @Test
    void theLogSummaryIsOneLineOfSumsAndMaxima() {
        MetricAggregator aggregator = new MetricAggregator();
        aggregator.record(
                new Metric("RecordsProcessed", MetricUnit.COUNT, 3, Map.of("ApplicationName", "a"), clock.instant()));
        aggregator.record(new Metric(
                "MillisBehindLatest",
                MetricUnit.MILLISECONDS,
                40,
                Map.of("ApplicationName", "a", "ShardId", "s1"),
                clock.instant()));

        List<String> lines = aggregator.drain().stream()
                .map(LoggingMetricsSink::describe)
                .sorted()
                .toList();

        assertThat(lines).containsExactly("MillisBehindLatest[s1] avg 40 max 40", "RecordsProcessed=3");
    }
}
