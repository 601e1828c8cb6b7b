package dev.kcl.aws;

import dev.kcl.KinesisRecord;
import dev.kcl.PollingConfig;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.spi.ChildShard;
import dev.kcl.spi.RecordBatch;
import dev.kcl.spi.RecordSource;
import dev.kcl.spi.RetrievalMetrics;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads one shard with {@code GetRecords}, ahead of the processor within the prefetch bounds.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li><b>Pacing.</b> Calls follow each other at once while the shard is behind (a full batch, or
 *       {@code millisBehindLatest > 0}), after {@code idleTime} once it is caught up, and never closer than
 *       {@code minCallInterval} (5 calls per second, Kinesis's per-shard limit).
 *   <li><b>Bounded.</b> Reading stops while {@code maxPrefetchRecords} records or {@code maxPrefetchBytes} bytes wait
 *       for the processor; memory per shard is that plus one response.
 *   <li><b>Failures.</b> Throttling and errors back off with jitter and retry for ever, logged once per streak with
 *       the shard and position; an expired iterator is replaced by one after the last record read.
 *   <li><b>Shard end.</b> A null next iterator ends the shard; the last batch carries the child shards.
 * </ul>
 *
 * <p>Thread-safe: SDK callbacks, timer tasks and the consumer meet under this object's lock; futures are completed
 * outside it.
 */
final class PollingRecordSource implements RecordSource {
    private static final Logger log = LoggerFactory.getLogger(PollingRecordSource.class);

    private final KinesisAsyncClient kinesis;
    private final String stream;
    private final String shardId;
    private final Checkpoint start;
    private final PollingConfig config;
    private final TaskScheduler timer;
    private final Ticker ticker;
    private final RetrievalMetrics metrics;

    // guarded by this
    private final Deque<RecordBatch> ready = new ArrayDeque<>();
    private long readyBytes;
    private int readyRecords;
    private CompletableFuture<RecordBatch> waiting;
    private String iterator;
    private String lastSequence;
    private boolean fetching;
    private TaskScheduler.Cancellable scheduled;
    private boolean ended;
    private boolean closed;
    private boolean caughtUp;
    private long lastCallAt;
    private int failures;

    PollingRecordSource(
            KinesisAsyncClient kinesis,
            String stream,
            String shardId,
            Checkpoint start,
            PollingConfig config,
            TaskScheduler timer,
            Ticker ticker,
            RetrievalMetrics metrics) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.shardId = shardId;
        this.start = start;
        this.config = config;
        this.timer = timer;
        this.ticker = ticker;
        this.metrics = metrics;
        this.ended = start instanceof Checkpoint.ShardEnd; // never read a finished shard again
        if (ended) {
            ready.add(new RecordBatch(List.of(), 0, Optional.of(List.of())));
        }
        this.lastCallAt = ticker.nanos() - config.minCallInterval().toNanos();
    }

    @Override
    public CompletableFuture<RecordBatch> next() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new CancellationException(shardId + " record source closed"));
            }
            RecordBatch batch = ready.poll();
            if (batch != null) {
                readyBytes -= batch.bytes();
                readyRecords -= batch.records().size();
                maybeFetch();
                return CompletableFuture.completedFuture(batch);
            }
            if (waiting != null) {
                throw new IllegalStateException(shardId + ": next() called again before the last batch arrived");
            }
            CompletableFuture<RecordBatch> future = new CompletableFuture<>();
            waiting = future;
            maybeFetch(); // may complete it at once (and clear waiting) if the answer is immediate
            return future;
        }
    }

    @Override
    public void close() {
        CompletableFuture<RecordBatch> pending;
        synchronized (this) {
            closed = true;
            if (scheduled != null) {
                scheduled.cancel();
                scheduled = null;
            }
            pending = waiting;
            waiting = null;
            ready.clear();
        }
        if (pending != null) {
            pending.completeExceptionally(new CancellationException(shardId + " record source closed"));
        }
    }

    /** Starts the next call now or schedules it, if reading ahead is allowed. Holds the lock. */
    private void maybeFetch() {
        if (closed || ended || fetching || scheduled != null) {
            return;
        }
        if (readyRecords >= config.maxPrefetchRecords() || readyBytes >= config.maxPrefetchBytes()) {
            return; // the processor is behind: wait until it takes a batch
        }
        long now = ticker.nanos();
        long at = Math.max(
                lastCallAt + config.minCallInterval().toNanos(),
                caughtUp ? now + config.idleTime().toNanos() : now);
        scheduleAt(at - now);
    }

    private void scheduleAt(long delayNanos) {
        if (delayNanos <= 0) {
            fetch();
            return;
        }
        scheduled = timer.schedule(
                () -> {
                    synchronized (this) {
                        scheduled = null;
                        if (!closed && !fetching) {
                            fetch();
                        }
                    }
                },
                Duration.ofNanos(delayNanos));
    }

    /** Issues one call. Holds the lock. */
    private void fetch() {
        fetching = true;
        lastCallAt = ticker.nanos();
        if (iterator == null) {
            kinesis.getShardIterator(iteratorRequest()).whenComplete(this::onIterator);
        } else {
            kinesis.getRecords(b -> b.shardIterator(iterator).limit(config.maxRecordsPerCall()))
                    .whenComplete(this::onRecords);
        }
    }

    private GetShardIteratorRequest iteratorRequest() {
        GetShardIteratorRequest.Builder request =
                GetShardIteratorRequest.builder().streamName(stream).shardId(shardId);
        if (lastSequence != null) {
            return request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .startingSequenceNumber(lastSequence)
                    .build();
        }
        request.shardIteratorType(KinesisModels.iteratorType(start));
        if (start instanceof Checkpoint.After after) {
            request.startingSequenceNumber(after.sequenceNumber().toString());
        } else if (start instanceof Checkpoint.AtTimestamp at) {
            request.timestamp(at.timestamp());
        }
        return request.build();
    }

    private void onIterator(GetShardIteratorResponse response, Throwable error) {
        synchronized (this) {
            fetching = false;
            if (closed) {
                return;
            }
            if (error != null) {
                onError(error);
                return;
            }
            iterator = response.shardIterator();
            lastCallAt = ticker.nanos() - config.minCallInterval().toNanos(); // the records call may follow at once
            if (iterator == null) {
                endShard(List.of(), 0, List.of());
                return;
            }
            maybeFetch();
        }
    }

    private void onRecords(GetRecordsResponse response, Throwable error) {
        CompletableFuture<RecordBatch> deliver = null;
        RecordBatch batch = null;
        synchronized (this) {
            fetching = false;
            if (closed) {
                return;
            }
            if (error != null) {
                onError(error);
                return;
            }
            if (failures > 0) {
                log.info("{} GetRecords succeeded again after {} failures", shardId, failures);
                failures = 0;
            }
            metrics.call(shardId, RetrievalMetrics.Operation.GET_RECORDS, RetrievalMetrics.Outcome.SUCCESS);
            List<KinesisRecord> records = KinesisModels.records(response.records());
            if (!records.isEmpty()) {
                lastSequence = records.get(records.size() - 1).sequenceNumber();
            }
            long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
            metrics.millisBehindLatest(shardId, behind);
            caughtUp = records.size() < config.maxRecordsPerCall() && behind == 0;
            iterator = response.nextShardIterator();
            if (iterator == null) {
                endShard(
                        records,
                        behind,
                        response.hasChildShards() ? KinesisModels.childShards(response.childShards()) : List.of());
                return;
            }
            if (!records.isEmpty()) {
                batch = new RecordBatch(records, behind, Optional.empty());
                deliver = enqueue(batch);
            }
            maybeFetch();
        }
        if (deliver != null) {
            deliver.complete(batch);
        }
    }

    /** Holds the lock; completes the waiting consumer outside it. */
    private void endShard(List<KinesisRecord> records, long behind, List<ChildShard> children) {
        ended = true;
        log.info(
                "{} read to its end; children {}",
                shardId,
                children.stream().map(ChildShard::shardId).toList());
        RecordBatch batch = new RecordBatch(records, behind, Optional.of(children));
        CompletableFuture<RecordBatch> deliver = enqueue(batch);
        if (deliver != null) {
            timer.execute(() -> deliver.complete(batch));
        }
    }

    /** Hands the batch to a waiting consumer (returned, to complete outside the lock) or queues it. */
    private CompletableFuture<RecordBatch> enqueue(RecordBatch batch) {
        if (waiting != null) {
            CompletableFuture<RecordBatch> consumer = waiting;
            waiting = null;
            return consumer;
        }
        ready.add(batch);
        readyBytes += batch.bytes();
        readyRecords += batch.records().size();
        return null;
    }

    /** Holds the lock. */
    private void onError(Throwable error) {
        AwsErrors.Kind kind = AwsErrors.classify(error);
        String position = lastSequence != null ? "after " + lastSequence : "at " + start;
        if (kind == AwsErrors.Kind.EXPIRED_ITERATOR) {
            log.info("{} shard iterator expired; resuming {}", shardId, position);
            iterator = null;
            maybeFetch();
            return;
        }
        failures++;
        metrics.call(
                shardId,
                RetrievalMetrics.Operation.GET_RECORDS,
                kind == AwsErrors.Kind.THROTTLED ? RetrievalMetrics.Outcome.THROTTLED : RetrievalMetrics.Outcome.ERROR);
        if (failures == 1) {
            log.warn(
                    "{} {} reading {} ({}); retrying with backoff",
                    shardId,
                    kind == AwsErrors.Kind.THROTTLED ? "throttled" : "failed",
                    position,
                    AwsErrors.describe(error));
        } else if (failures % 50 == 0) {
            log.warn(
                    "{} still failing after {} attempts reading {}: {}",
                    shardId,
                    failures,
                    position,
                    AwsErrors.describe(error));
        }
        if (kind == AwsErrors.Kind.NOT_FOUND) {
            iterator = null; // the stream may be gone or recreated: start from a fresh iterator
        }
        long backoff = config.throttleBackoff().delay(failures).toNanos();
        long earliest = lastCallAt + config.minCallInterval().toNanos() - ticker.nanos(); // retries count as calls
        scheduleAt(Math.max(backoff, earliest) + 1);
    }

    @Override
    public synchronized String toString() {
        return "PollingRecordSource[" + shardId + ", " + readyRecords + " records ready" + (ended ? ", ended" : "")
                + "]";
    }
}
