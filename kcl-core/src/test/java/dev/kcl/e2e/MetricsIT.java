package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricsConfig;
import dev.kcl.metrics.MetricsLevel;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.MetricDatum;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker publishing to the real CloudWatch client, pointed at the test kit's recording endpoint. */
@KclStack
class MetricsIT {

    @Test
    void aWorkerPublishesWhatOperatorsWatch(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        admin.put(names.streamName(), OneWorkerIT.records(0, 300));
        Delivered delivered = new Delivered("w1");
        Map<String, String> app = Map.of(MetricNames.APPLICATION, names.applicationName());

        try (Worker worker = worker(stack, names, delivered, MetricsLevel.DETAILED)) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 300, () -> delivered.count() + " delivered");
            await(
                    Duration.ofSeconds(30),
                    () -> sum(stack, MetricNames.RECORDS_PROCESSED, app) >= 300,
                    () -> "RecordsProcessed " + sum(stack, MetricNames.RECORDS_PROCESSED, app));
        }

        assertThat(sum(stack, MetricNames.RECORDS_PROCESSED, app)).isEqualTo(300);
        long bytes = OneWorkerIT.records(0, 300).stream()
                .mapToLong(r -> r.data().asByteArray().length)
                .sum();
        assertThat(sum(stack, MetricNames.BYTES_PROCESSED, app)).isEqualTo(bytes);
        assertThat(sum(stack, MetricNames.LEASES_TAKEN, app)).isEqualTo(2); // both shards, once
        assertThat(sum(stack, MetricNames.LEASES_LOST, app)).isZero();
        assertThat(sum(stack, MetricNames.PROCESSOR_FAILURES, app)).isZero();
        assertThat(sum(stack, MetricNames.GET_RECORDS_THROTTLED, app) + sum(stack, MetricNames.GET_RECORDS_ERRORS, app))
                .isZero();
        assertThat(sum(stack, MetricNames.CHECKPOINT_SUCCESS, app)).isPositive();
        assertThat(sum(stack, MetricNames.CHECKPOINT_FAILURE, app)).isZero();
        assertThat(max(stack, MetricNames.LEASES_HELD, app)).isEqualTo(2);
        assertThat(data(stack, MetricNames.WORKER_HEARTBEAT_AGE))
                .allSatisfy(d -> assertThat(d.unit()).isEqualTo("Milliseconds"));
        assertThat(data(stack, MetricNames.RECORDS_PROCESSED))
                .extracting(MetricDatum::dimensions)
                .anySatisfy(d -> assertThat(d).containsKey(MetricNames.SHARD));
        for (String name : List.of(
                MetricNames.PROCESSING_LATENCY,
                MetricNames.MILLIS_BEHIND_LATEST,
                MetricNames.GET_RECORDS_SUCCESS,
                MetricNames.CHECKPOINT_SUCCESS,
                MetricNames.LEASES_HELD,
                MetricNames.LEASES_TAKEN,
                MetricNames.WORKER_HEARTBEAT_AGE,
                MetricNames.LEASES_HANDED_OFF)) {
            assertThat(data(stack, name)).as(name).isNotEmpty();
        }
        assertThat(data(stack, MetricNames.PROCESSING_LATENCY).get(0).unit()).isEqualTo("Milliseconds");
        assertThat(data(stack, MetricNames.LEASES_HELD))
                .extracting(MetricDatum::dimensions)
                .contains(Map.of(MetricNames.APPLICATION, names.applicationName(), MetricNames.WORKER, "w1"));
    }

    @Test
    void atLevelNoneAWorkerPublishesNothingAtAll(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 1);
        admin.put(names.streamName(), OneWorkerIT.records(0, 50));
        Delivered delivered = new Delivered("w1");

        try (Worker worker = worker(stack, names, delivered, MetricsLevel.NONE)) {
            worker.start();
            await(Duration.ofSeconds(60), () -> delivered.count() >= 50, () -> delivered.count() + " delivered");
        } // closing flushes whatever a sink holds

        assertThat(stack.metrics().metrics())
                .filteredOn(d -> d.dimensions().containsValue(names.applicationName()))
                .isEmpty();
    }

    private static double max(AwsStack stack, String name, Map<String, String> dimensions) {
        return stack.metrics().metrics(name).stream()
                .filter(d -> d.dimensions().equals(dimensions))
                .mapToDouble(d ->
                        d.statistics().map(MetricDatum.StatisticSet::maximum).orElse(0.0))
                .max()
                .orElse(0);
    }

    private static List<MetricDatum> data(AwsStack stack, String name) {
        return stack.metrics().metrics(name).stream()
                .filter(d -> d.dimensions().values().stream().anyMatch(v -> v.contains("metricsit")))
                .toList();
    }

    private static double sum(AwsStack stack, String name, Map<String, String> dimensions) {
        return stack.metrics().metrics(name).stream()
                .filter(d -> d.dimensions().equals(dimensions))
                .mapToDouble(
                        d -> d.statistics().map(MetricDatum.StatisticSet::sum).orElse(0.0))
                .sum();
    }

    /** Worker w1 publishing to the test kit's CloudWatch endpoint at {@code level}, flushing every second. */
    private static Worker worker(AwsStack stack, TestNames names, Delivered delivered, MetricsLevel level) {
        return Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .workerId("w1")
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .cloudWatch(stack.cloudWatch())
                .metrics(MetricsConfig.builder()
                        .level(level)
                        .flushInterval(Duration.ofSeconds(1))
                        .build())
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon())
                .build();
    }
}
