package dev.kcl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.aws.CloudWatchMetricsSink;
import dev.kcl.internal.metrics.Metrics;
import dev.kcl.testkit.Eventually;
import dev.kcl.testkit.LocalCloudWatch;
import dev.kcl.testkit.MetricDatum;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/** The CloudWatch sink with the real client against the test kit's recording endpoint. */
class CloudWatchMetricsSinkIT {
    private final LocalCloudWatch cloudWatch = LocalCloudWatch.start();
    private final CloudWatchAsyncClient client = cloudWatch.newAsyncClient();
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-22T10:00:00Z"));

    @AfterEach
    void close() {
        client.close();
        cloudWatch.close();
    }

    private CloudWatchMetricsSink sink(int maxBuffered) {
        return new CloudWatchMetricsSink(
                client,
                MetricsConfig.builder().maxBufferedDatums(maxBuffered).build(),
                Map.of("ApplicationName", "orders"),
                clock);
    }

    private void awaitCalls(int calls) {
        Eventually.await(
                Duration.ofSeconds(10),
                () -> cloudWatch.calls().size() >= calls,
                () -> cloudWatch.calls().size() + " calls");
    }

    @Test
    void publishesStatisticSetsWithNamesUnitsAndDimensions() {
        CloudWatchMetricsSink sink = sink(1000);
        Metrics metrics = new Metrics(sink, MetricsLevel.DETAILED, "orders", "w1", clock);
        metrics.count("shard-1", MetricNames.RECORDS_PROCESSED, 100);
        metrics.count("shard-1", MetricNames.RECORDS_PROCESSED, 50);
        metrics.count("shard-2", MetricNames.RECORDS_PROCESSED, 25);
        metrics.millisBehindLatest("shard-1", 1200);
        metrics.millisBehindLatest("shard-2", 300);

        sink.flush();
        awaitCalls(1);

        var app = Map.of("ApplicationName", "orders");
        MetricDatum records = cloudWatch.metrics(MetricNames.RECORDS_PROCESSED).stream()
                .filter(d -> d.dimensions().equals(app))
                .findFirst()
                .orElseThrow();
        assertThat(records.namespace()).isEqualTo("kcl");
        assertThat(records.unit()).isEqualTo("Count");
        assertThat(records.statistics()).contains(new MetricDatum.StatisticSet(3, 175, 25, 100));
        assertThat(records.timestamp()).contains(clock.instant());
        MetricDatum lag = cloudWatch.metrics(MetricNames.MILLIS_BEHIND_LATEST).stream()
                .filter(d -> d.dimensions().equals(app))
                .findFirst()
                .orElseThrow();
        assertThat(lag.unit()).isEqualTo("Milliseconds");
        assertThat(lag.statistics().orElseThrow().maximum()).isEqualTo(1200); // the lag operators watch
        assertThat(cloudWatch.metrics(MetricNames.RECORDS_PROCESSED))
                .extracting(MetricDatum::dimensions)
                .contains(Map.of("ApplicationName", "orders", "ShardId", "shard-2"));
    }

    @Test
    void fillsEachCallUpToTheApiLimit() {
        CloudWatchMetricsSink sink = sink(10_000);
        for (int i = 0; i < 2500; i++) {
            sink.record(new Metric("M" + i, MetricUnit.COUNT, 1, Map.of("ApplicationName", "orders"), clock.instant()));
        }

        sink.flush();
        awaitCalls(3);

        assertThat(cloudWatch.calls()).extracting(c -> c.data().size()).containsExactly(1000, 1000, 500);
    }

    @Test
    void keepsEachCallUnderTheApiPayloadLimit() {
        CloudWatchMetricsSink sink = sink(10_000);
        String longValue = "v".repeat(1024);
        for (int i = 0; i < 1000; i++) {
            sink.record(new Metric(
                    "M" + i,
                    MetricUnit.COUNT,
                    1,
                    Map.of("ApplicationName", "orders", "A", longValue + i, "B", longValue, "C", longValue),
                    clock.instant()));
        }

        sink.flush();
        awaitData(1000);

        assertThat(cloudWatch.calls()).hasSizeGreaterThan(1);
        assertThat(cloudWatch.calls())
                .allSatisfy(call -> assertThat(call.bodyBytes()).isLessThanOrEqualTo(1024 * 1024));
        assertThat(cloudWatch.metrics()).hasSize(1000);
    }

    @Test
    void aFailedCallIsRetriedWithBackoffByTheClientWithinTheSameFlush() {
        CloudWatchMetricsSink sink = sink(1000); // the test kit's client keeps the SDK's default retry policy
        sink.record(new Metric(
                MetricNames.RECORDS_PROCESSED,
                MetricUnit.COUNT,
                7,
                Map.of("ApplicationName", "orders"),
                clock.instant()));
        cloudWatch.failNextRequests(2);

        sink.flush();
        awaitCalls(1);

        assertThat(cloudWatch.failedRequests()).isEqualTo(2);
        assertThat(sink.calls()).isEqualTo(1); // one PutMetricData call, three HTTP attempts
        assertThat(cloudWatch.metrics(MetricNames.RECORDS_PROCESSED))
                .singleElement()
                .satisfies(d -> assertThat(d.statistics()).contains(new MetricDatum.StatisticSet(1, 7, 7, 7)));
    }

    private void awaitData(int datums) {
        Eventually.await(
                Duration.ofSeconds(10),
                () -> cloudWatch.metrics().size() >= datums,
                () -> cloudWatch.metrics().size() + " data points");
    }

    @Test
    void whileCloudWatchIsDownDataWaitsInABoundedBufferAndDropsAreCounted() {
        CloudWatchAsyncClient noRetries = CloudWatchAsyncClient.builder()
                .endpointOverride(cloudWatch.endpoint())
                .region(dev.kcl.testkit.AwsClients.REGION)
                .credentialsProvider(dev.kcl.testkit.AwsClients.credentials())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())
                        .build())
                .build();
        CloudWatchMetricsSink sink = new CloudWatchMetricsSink(
                noRetries,
                MetricsConfig.builder().maxBufferedDatums(100).build(),
                Map.of("ApplicationName", "orders"),
                clock);
        cloudWatch.failNextRequests(1);
        for (int i = 0; i < 60; i++) {
            sink.record(new Metric("A" + i, MetricUnit.COUNT, 1, Map.of("ApplicationName", "orders"), clock.instant()));
        }
        sink.flush(); // fails: 60 kept
        awaitKeptAfterFailure(sink, 60);
        assertThat(cloudWatch.failedRequests()).isEqualTo(1);
        for (int i = 0; i < 60; i++) {
            sink.record(new Metric("B" + i, MetricUnit.COUNT, 1, Map.of("ApplicationName", "orders"), clock.instant()));
        }
        long started = System.nanoTime();
        for (int i = 0; i < 100_000; i++) { // recording never blocks, whatever CloudWatch does
            sink.record(new Metric(
                    "RecordsProcessed", MetricUnit.COUNT, 1, Map.of("ApplicationName", "orders"), clock.instant()));
        }
        LoggerFactory.getLogger(CloudWatchMetricsSinkIT.class)
                .info("100,000 records while down took {} ms", (System.nanoTime() - started) / 1_000_000);

        sink.flush(); // CloudWatch is back: 100 newest of 121 are published, 21 dropped
        awaitCalls(1);
        assertThat(cloudWatch.metrics()).hasSize(100);
        assertThat(sink.dropped()).isEqualTo(21);
        assertThat(cloudWatch
                        .metrics(MetricNames.RECORDS_PROCESSED)
                        .get(0)
                        .statistics()
                        .orElseThrow()
                        .sum())
                .isEqualTo(100_000);

        sink.flush(); // the drop count goes out as a metric
        awaitCalls(2);
        assertThat(cloudWatch.metrics(MetricNames.METRICS_DROPPED))
                .singleElement()
                .satisfies(d -> assertThat(d.statistics().orElseThrow().sum()).isEqualTo(21));
        noRetries.close();
    }

    /** Waits until the failed call's data is back in the sink's buffer, for the next flush. */
    private static void awaitKeptAfterFailure(CloudWatchMetricsSink sink, int datums) {
        Eventually.await(
                Duration.ofSeconds(10), () -> sink.buffered() == datums, () -> sink.buffered() + " data points kept");
    }

    @Test
    void aHundredShardsAtSummaryCostOneSmallCallAMinute() {
        CloudWatchMetricsSink sink = sink(10_000);
        Metrics metrics = new Metrics(sink, MetricsLevel.SUMMARY, "orders", "w1", clock);
        List<String> names = metricNames();
        int minutes = 5;
        for (int minute = 0; minute < minutes; minute++) {
            for (int batch = 0; batch < 300; batch++) { // 5 batches a second per shard... in total
                for (int shard = 0; shard < 100; shard++) {
                    String id = "shardId-" + shard;
                    for (String name : names) { // everything a worker records, as if it all happened every batch
                        if (!List.of(
                                        MetricNames.MILLIS_BEHIND_LATEST,
                                        MetricNames.LEASES_HELD,
                                        MetricNames.WORKER_HEARTBEAT_AGE)
                                .contains(name)) {
                            metrics.count(id, name, 1);
                        }
                    }
                    metrics.millisBehindLatest(id, 0);
                }
            }
            metrics.worker(MetricNames.LEASES_HELD, MetricUnit.COUNT, 100);
            metrics.worker(MetricNames.WORKER_HEARTBEAT_AGE, MetricUnit.MILLISECONDS, 900);
            sink.flush(); // the worker flushes once a minute
            awaitCalls(minute + 1);
        }

        double callsPerMinute = (double) cloudWatch.calls().size() / minutes;
        double datumsPerMinute = (double) cloudWatch.metrics().size() / minutes;
        LoggerFactory.getLogger(CloudWatchMetricsSinkIT.class)
                .info(
                        "100 shards at SUMMARY: {} PutMetricData calls and {} data points per minute",
                        callsPerMinute,
                        datumsPerMinute);
        assertThat(callsPerMinute).isLessThanOrEqualTo(1);
        assertThat(datumsPerMinute).isLessThanOrEqualTo(names.size()); // one per metric, whatever the shard count
    }

    /** Every metric name kcl records. */
    private static List<String> metricNames() {
        List<String> names = new java.util.ArrayList<>();
        for (java.lang.reflect.Field field : MetricNames.class.getFields()) {
            try {
                String value = (String) field.get(null);
                if (!List.of(MetricNames.APPLICATION, MetricNames.SHARD, MetricNames.WORKER)
                        .contains(value)) {
                    names.add(value);
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return names;
    }
}
