package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

class LocalCloudWatchIT {

    @Test
    void recordsWhatTheRealClientSends() {
        try (LocalCloudWatch cloudWatch = LocalCloudWatch.start();
                CloudWatchAsyncClient client = cloudWatch.newAsyncClient()) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

            client.putMetricData(b -> b.namespace("kcl")
                            .metricData(
                                    MetricDatum.builder()
                                            .metricName("RecordsProcessed")
                                            .dimensions(Dimension.builder()
                                                    .name("ApplicationName")
                                                    .value("orders")
                                                    .build())
                                            .unit(StandardUnit.COUNT)
                                            .statisticValues(s -> s.sampleCount(4.0)
                                                    .sum(40.0)
                                                    .minimum(1.0)
                                                    .maximum(20.0))
                                            .timestamp(now)
                                            .build(),
                                    MetricDatum.builder()
                                            .metricName("MillisBehindLatest")
                                            .unit(StandardUnit.MILLISECONDS)
                                            .value(125.0)
                                            .build()))
                    .join();

            assertThat(cloudWatch.calls()).singleElement().satisfies(call -> {
                assertThat(call.protocol()).isEqualTo("rpc-v2-cbor");
                assertThat(call.data()).hasSize(2);
            });
            var records = cloudWatch.metrics("RecordsProcessed");
            assertThat(records).singleElement().satisfies(d -> {
                assertThat(d.namespace()).isEqualTo("kcl");
                assertThat(d.unit()).isEqualTo("Count");
                assertThat(d.dimensions()).containsExactly(Map.entry("ApplicationName", "orders"));
                assertThat(d.statistics()).contains(new dev.kcl.testkit.MetricDatum.StatisticSet(4, 40, 1, 20));
                assertThat(d.timestamp()).contains(now);
            });
            assertThat(cloudWatch.metrics("MillisBehindLatest").get(0).value()).contains(125.0);
        }
    }

    @Test
    void decodesCompressedCallsAtTheApiLimit() {
        try (LocalCloudWatch cloudWatch = LocalCloudWatch.start();
                CloudWatchAsyncClient client = cloudWatch.newAsyncClient()) {
            List<MetricDatum> data = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                data.add(MetricDatum.builder()
                        .metricName("Metric" + i)
                        .dimensions(Dimension.builder()
                                .name("ShardId")
                                .value("shardId-" + i)
                                .build())
                        .unit(StandardUnit.COUNT)
                        .value((double) i)
                        .build());
            }

            client.putMetricData(b -> b.namespace("kcl").metricData(data)).join();

            assertThat(cloudWatch.calls()).singleElement().satisfies(call -> {
                assertThat(call.compressed())
                        .as("the SDK gzips large PutMetricData bodies")
                        .isTrue();
                assertThat(call.data()).hasSize(1000);
            });
            assertThat(cloudWatch.metrics("Metric999").get(0).value()).contains(999.0);
        }
    }

    @Test
    void injectedFailuresAreRetriedByTheClient() {
        try (LocalCloudWatch cloudWatch = LocalCloudWatch.start();
                CloudWatchAsyncClient client = cloudWatch.newAsyncClient()) {
            cloudWatch.failNextRequests(2);

            client.putMetricData(b -> b.namespace("kcl")
                            .metricData(MetricDatum.builder()
                                    .metricName("M")
                                    .value(1.0)
                                    .build()))
                    .join();

            assertThat(cloudWatch.failedRequests()).isEqualTo(2);
            assertThat(cloudWatch.metrics("M")).hasSize(1);
        }
    }
}
