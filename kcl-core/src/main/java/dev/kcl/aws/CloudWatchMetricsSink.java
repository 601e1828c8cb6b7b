package dev.kcl.aws;

import dev.kcl.metrics.Metric;
import dev.kcl.metrics.MetricAggregator;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricUnit;
import dev.kcl.metrics.MetricsConfig;
import dev.kcl.metrics.MetricsSink;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StatisticSet;

/**
 * Publishes to CloudWatch with {@code PutMetricData}, cheaply.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li><b>Aggregated.</b> Observations fold into one statistic set (count, sum, min, max) per metric and dimensions
 *       per flush interval: never a data point per record.
 *   <li><b>Full calls.</b> A flush sends its data points in calls of up to 1,000 and under 1 MB (the API's
 *       limits; the size is estimated for the most verbose wire protocol), one call at a time.
 *   <li><b>Never blocks processing.</b> {@link #record} only aggregates in memory. While CloudWatch is unreachable
 *       the data points wait in a bounded buffer; past {@code maxBufferedDatums} the oldest are dropped and counted
 *       ({@code MetricsDropped}).
 *   <li><b>Retries.</b> Each call uses the client's retry policy (exponential backoff); data whose call still failed
 *       goes back to the front of the buffer for the next flush.
 * </ul>
 *
 * <p>Thread-safe. The client is the caller's: this sink never closes it.
 */
public final class CloudWatchMetricsSink implements MetricsSink {
    private static final Logger log = LoggerFactory.getLogger(CloudWatchMetricsSink.class);
    static final int MAX_DATUMS_PER_CALL = 1000;
    /** Below PutMetricData's 1 MB request limit, leaving room for the request's own envelope. */
    static final int MAX_BYTES_PER_CALL = 900 * 1024;

    private final CloudWatchAsyncClient cloudWatch;
    private final MetricsConfig config;
    private final Map<String, String> baseDimensions;
    private final InstantSource clock;
    private final MetricAggregator aggregator = new MetricAggregator();
    private final Deque<MetricDatum> pending = new ArrayDeque<>(); // guarded by this
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null); // guarded by this
    private boolean sending; // guarded by this
    private int failuresInARow; // guarded by this

    /**
     * @param baseDimensions the dimensions of the sink's own metric ({@code MetricsDropped}), normally the application
     */
    public CloudWatchMetricsSink(
            CloudWatchAsyncClient cloudWatch,
            MetricsConfig config,
            Map<String, String> baseDimensions,
            InstantSource clock) {
        this.cloudWatch = cloudWatch;
        this.config = config;
        this.baseDimensions = Map.copyOf(baseDimensions);
        this.clock = clock;
    }

    @Override
    public void record(Metric metric) {
        aggregator.record(metric);
    }

    /** PutMetricData calls made so far, successful or not. */
    public long calls() {
        return calls.get();
    }

    /** Data points dropped so far because CloudWatch was unreachable. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Data points waiting to be sent: those of a flush still being sent, and those kept after a failed call for the
     * next flush. Zero when everything recorded has been flushed and accepted.
     */
    public synchronized int buffered() {
        return pending.size();
    }

    @Override
    public void flush() {
        long droppedNow = dropped.getAndSet(0);
        if (droppedNow > 0) {
            aggregator.record(new Metric(
                    MetricNames.METRICS_DROPPED, MetricUnit.COUNT, droppedNow, baseDimensions, clock.instant()));
        }
        List<MetricDatum> datums = new ArrayList<>();
        for (MetricAggregator.Aggregate aggregate : aggregator.drain()) {
            datums.add(toDatum(aggregate));
        }
        synchronized (this) {
            for (MetricDatum datum : datums) {
                if (pending.size() >= config.maxBufferedDatums()) {
                    pending.pollFirst();
                    dropped.incrementAndGet();
                }
                pending.addLast(datum);
            }
            if (!sending) {
                sendNext();
            }
        }
    }

    /** Sends the next call's worth of data points, then the next, until the buffer is empty. Holds the lock. */
    private void sendNext() {
        if (pending.isEmpty()) {
            sending = false;
            return;
        }
        sending = true;
        List<MetricDatum> batch = new ArrayList<>(Math.min(MAX_DATUMS_PER_CALL, pending.size()));
        int bytes = 0;
        while (batch.size() < MAX_DATUMS_PER_CALL && !pending.isEmpty()) {
            int size = estimatedSize(pending.peekFirst());
            if (!batch.isEmpty() && bytes + size > MAX_BYTES_PER_CALL) {
                break;
            }
            bytes += size;
            batch.add(pending.pollFirst());
        }
        calls.incrementAndGet();
        inFlight = cloudWatch
                .putMetricData(b -> b.namespace(config.namespace()).metricData(batch))
                .whenComplete((response, error) -> {
                    synchronized (this) {
                        if (error == null) {
                            if (failuresInARow > 0) {
                                log.info("CloudWatch accepts metrics again after {} failed calls", failuresInARow);
                            }
                            failuresInARow = 0;
                            sendNext();
                            return;
                        }
                        if (failuresInARow++ == 0) {
                            log.warn(
                                    "PutMetricData failed ({}); keeping {} data points for the next flush",
                                    AwsErrors.describe(error),
                                    batch.size());
                        }
                        for (int i = batch.size() - 1; i >= 0; i--) {
                            if (pending.size() >= config.maxBufferedDatums()) {
                                dropped.incrementAndGet(); // the newer data in the buffer wins
                            } else {
                                pending.addFirst(batch.get(i));
                            }
                        }
                        sending = false;
                    }
                });
    }

    @Override
    public void close() {
        flush();
        CompletableFuture<?> last;
        synchronized (this) {
            last = inFlight;
        }
        try {
            last.get(5, TimeUnit.SECONDS);
        } catch (Exception e) { // a final flush is best effort: the worker is stopping either way
            log.debug("final metrics flush did not finish: {}", e.toString());
        }
    }

    /**
     * An upper bound on a data point's share of a request in the query protocol, the most verbose one the SDK may use:
     * each field is a parameter such as {@code MetricData.member.1000.Dimensions.member.30.Value=}, and names and
     * values may be percent-encoded (up to 3 bytes a character, 9 for characters outside ASCII: counted as 9).
     */
    static int estimatedSize(MetricDatum datum) {
        int size = 400 + encoded(datum.metricName()); // name, unit, timestamp and the four statistics
        for (Dimension dimension : datum.dimensions()) {
            size += 80 + encoded(dimension.name()) + encoded(dimension.value());
        }
        return size;
    }

    private static int encoded(String text) {
        int size = 0;
        for (int i = 0; i < text.length(); i++) {
            size += text.charAt(i) < 0x80 ? 3 : 9;
        }
        return size;
    }

    private static MetricDatum toDatum(MetricAggregator.Aggregate aggregate) {
        List<Dimension> dimensions = new ArrayList<>();
        aggregate
                .key()
                .dimensions()
                .forEach((name, value) -> dimensions.add(
                        Dimension.builder().name(name).value(value).build()));
        return MetricDatum.builder()
                .metricName(aggregate.key().name())
                .dimensions(dimensions)
                .unit(unit(aggregate.key().unit()))
                .timestamp(aggregate.timestamp())
                .statisticValues(StatisticSet.builder()
                        .sampleCount(aggregate.sampleCount())
                        .sum(aggregate.sum())
                        .minimum(aggregate.minimum())
                        .maximum(aggregate.maximum())
                        .build())
                .build();
    }

    private static StandardUnit unit(MetricUnit unit) {
        return switch (unit) {
            case COUNT -> StandardUnit.COUNT;
            case MILLISECONDS -> StandardUnit.MILLISECONDS;
            case BYTES -> StandardUnit.BYTES;
            case NONE -> StandardUnit.NONE;
        };
    }
}
