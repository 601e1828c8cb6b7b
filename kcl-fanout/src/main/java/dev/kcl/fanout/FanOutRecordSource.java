package dev.kcl.fanout;

import dev.kcl.KclException;
import dev.kcl.KinesisRecord;
import dev.kcl.RetryableKclException;
import dev.kcl.aws.AwsErrors;
import dev.kcl.aws.KinesisModels;
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
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Reads one shard through {@code SubscribeToShard} (enhanced fan-out, HTTP/2), behind the same pull-style
 * {@link RecordSource} as polling.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li><b>Back-pressure.</b> Events are requested one at a time, and only while fewer than {@code maxPendingEvents}
 *       wait for the processor: a slow processor slows the subscription instead of filling memory.
 *   <li><b>Resubscription.</b> A subscription ends after five minutes, and may fail (ResourceInUse while the previous
 *       one is still open, read timeouts, connection resets). Either way the source subscribes again after the last
 *       continuation sequence number, after a backoff (at most 5 s) when it failed. Routine renewals are logged at
 *       debug; failures at warn only after {@code warnAfterFailures} in a row that went on for over 5 s.
 *   <li><b>Errors a retry will not fix.</b> ResourceNotFound may mean the stream consumer was deregistered while
 *       workers ran: the source registers it again (shared with the worker's other sources, waiting for ACTIVE) before
 *       subscribing again. Access denied and other such errors are retried with the same capped backoff, since
 *       someone may fix the cause while the worker runs, and logged at error once per run of failures, naming the
 *       shard and the error, so the source never spins silently.
 *   <li><b>Shard end.</b> The last event of a closed shard has no continuation sequence number and carries the
 *       children. Some emulators never send it; so a worker-wide {@link ClosedShardWatcher} lists the shards every
 *       {@code shardCheckInterval}, and when this shard shows as closed the source confirms with one GetRecords
 *       after its continuation sequence number, which for a drained closed shard returns no record, no next
 *       iterator and the children. On AWS this costs one ListShards per worker per interval.
 *   <li>Every subscription has a generation; callbacks from an older one are ignored.
 * </ul>
 *
 * <p>Thread-safe: reactive callbacks, timer tasks and the consumer meet under this object's lock; subscription
 * requests and future completions happen outside it.
 */
final class FanOutRecordSource implements RecordSource {
    private static final Logger log = LoggerFactory.getLogger(FanOutRecordSource.class);
    /** Failures within this time of the first are routine (a renewal racing the old subscription's close). */
    private static final Duration ROUTINE_FAILURES = Duration.ofSeconds(5);

    private final KinesisAsyncClient kinesis;
    private final String stream;
    private final ConsumerRegistration registration;
    private final String shardId;
    private final Checkpoint start;
    private final FanOutConfig config;
    private final TaskScheduler timer;
    private final Ticker ticker;
    private final RetrievalMetrics metrics;
    private final ClosedShardWatcher watcher;

    // guarded by this
    private final Deque<RecordBatch> ready = new ArrayDeque<>();
    private CompletableFuture<RecordBatch> waiting;
    private Subscription subscription;
    private boolean requested;
    private boolean subscribing;
    private long generation;
    private String continuation;
    private boolean ended;
    private boolean closed;
    private int failures;
    private long failingSince;
    private boolean warned;
    private boolean errorLogged;
    private boolean notFoundLogged;
    private boolean checking;
    private String consumerArn;
    private boolean consumerMissing;

    FanOutRecordSource(
            KinesisAsyncClient kinesis,
            String stream,
            ConsumerRegistration registration,
            String consumerArn,
            String shardId,
            Checkpoint start,
            FanOutConfig config,
            TaskScheduler timer,
            Ticker ticker,
            RetrievalMetrics metrics,
            ClosedShardWatcher watcher) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.registration = registration;
        this.consumerArn = consumerArn;
        this.shardId = shardId;
        this.start = start;
        this.config = config;
        this.timer = timer;
        this.ticker = ticker;
        this.metrics = metrics;
        this.watcher = watcher;
        if (start instanceof Checkpoint.ShardEnd) {
            ended = true; // never read a finished shard again
            ready.add(new RecordBatch(List.of(), 0, Optional.of(List.of())));
        } else {
            watcher.watch(shardId, this::onShardClosed);
        }
    }

    /** Work to do once the lock is released. */
    private final class After {
        Subscription request;
        CompletableFuture<RecordBatch> complete;
        RecordBatch batch;
        Subscription cancel;
        boolean subscribe;

        void run() {
            if (cancel != null) {
                cancel.cancel();
            }
            if (complete != null) {
                complete.complete(batch);
            }
            if (request != null) {
                request.request(1);
            }
            if (subscribe) {
                subscribe();
            }
        }
    }

    @Override
    public CompletableFuture<RecordBatch> next() {
        After after = new After();
        CompletableFuture<RecordBatch> result;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new CancellationException(shardId + " record source closed"));
            }
            RecordBatch batch = ready.poll();
            if (batch != null) {
                result = CompletableFuture.completedFuture(batch);
            } else {
                if (waiting != null) {
                    throw new IllegalStateException(shardId + ": next() called again before the last batch arrived");
                }
                waiting = new CompletableFuture<>();
                result = waiting;
                if (subscription == null && !subscribing && !ended) {
                    subscribing = true;
                    after.subscribe = true;
                }
            }
            demand(after);
        }
        after.run();
        return result;
    }

    /** Asks for one more event if nothing is requested and there is room. Holds the lock. */
    private void demand(After after) {
        if (subscription != null && !requested && !ended && ready.size() < config.maxPendingEvents()) {
            requested = true;
            after.request = subscription;
        }
    }

    private StartingPosition position() {
        if (continuation != null) {
            return StartingPosition.builder()
                    .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(continuation)
                    .build();
        }
        StartingPosition.Builder position = StartingPosition.builder().type(KinesisModels.iteratorType(start));
        if (start instanceof Checkpoint.After after) {
            position.sequenceNumber(after.sequenceNumber().toString());
        } else if (start instanceof Checkpoint.AtTimestamp at) {
            position.timestamp(at.timestamp());
        }
        return position.build();
    }

    private void subscribe() {
        long gen;
        StartingPosition position;
        String arn;
        boolean register;
        synchronized (this) {
            if (closed || ended) {
                subscribing = false;
                return;
            }
            gen = ++generation;
            position = position();
            arn = consumerArn;
            register = consumerMissing;
        }
        if (register) {
            registerAgain(gen);
            return;
        }
        log.debug("{} subscribing at {}", shardId, position);
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onError(error -> onFailure(gen, error))
                .onEventStream(publisher -> publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        onSubscribed(gen, s);
                    }

                    @Override
                    public void onNext(SubscribeToShardEventStream event) {
                        onEvent(gen, event);
                    }

                    @Override
                    public void onError(Throwable t) {
                        onFailure(gen, t);
                    }

                    @Override
                    public void onComplete() {
                        onCompleted(gen);
                    }
                }))
                .build();
        kinesis.subscribeToShard(b -> b.consumerARN(arn).shardId(shardId).startingPosition(position), handler)
                .whenComplete((done, error) -> {
                    if (error != null) {
                        onFailure(gen, error);
                    } else {
                        onCompleted(gen);
                    }
                });
    }

    /**
     * The last subscription said ResourceNotFound: make sure the consumer is registered and ACTIVE (registering it
     * again if it was deregistered), then subscribe with its ARN, which is new if it was registered again.
     */
    private void registerAgain(long gen) {
        log.debug("{} checking that stream consumer {} is registered", shardId, registration.consumerName());
        registration.ensureActive().whenComplete((arn, error) -> {
            if (error != null) {
                onFailure(gen, error);
                return;
            }
            synchronized (this) {
                if (gen != generation || closed || ended) {
                    return;
                }
                if (!arn.equals(consumerArn)) {
                    log.info(
                            "{} subscribing as stream consumer {} again: {}",
                            shardId,
                            registration.consumerName(),
                            arn);
                }
                consumerArn = arn;
                consumerMissing = false;
            }
            subscribe();
        });
    }

    private void onSubscribed(long gen, Subscription s) {
        After after = new After();
        synchronized (this) {
            if (gen != generation || closed || ended) {
                after.cancel = s;
            } else {
                subscription = s;
                subscribing = false;
                requested = false;
                demand(after);
            }
        }
        after.run();
    }

    private void onEvent(long gen, SubscribeToShardEventStream eventStream) {
        After after = new After();
        synchronized (this) {
            if (gen != generation || closed) {
                return;
            }
            requested = false;
            if (eventStream instanceof SubscribeToShardEvent event) {
                if (warned || errorLogged) {
                    log.info("{} subscription works again after {} failures", shardId, failures);
                }
                failures = 0;
                warned = false;
                errorLogged = false;
                notFoundLogged = false;
                metrics.call(shardId, RetrievalMetrics.Operation.SUBSCRIBE_TO_SHARD, RetrievalMetrics.Outcome.SUCCESS);
                long behind = event.millisBehindLatest() == null ? 0 : event.millisBehindLatest();
                metrics.millisBehindLatest(shardId, behind);
                List<KinesisRecord> records = KinesisModels.records(event.records());
                if (event.continuationSequenceNumber() == null) {
                    // The final event: hand over its records with the children; nothing more is requested (the
                    // batch goes to a waiting processor in after.run(), outside the lock)
                    endShard(
                            records,
                            behind,
                            event.hasChildShards() ? KinesisModels.childShards(event.childShards()) : List.of(),
                            after);
                } else {
                    continuation = event.continuationSequenceNumber();
                    if (!records.isEmpty()) {
                        enqueue(new RecordBatch(records, behind, Optional.empty()), after);
                    }
                }
            }
            demand(after);
        }
        after.run();
    }

    private void onCompleted(long gen) {
        After after = new After();
        synchronized (this) {
            if (gen != generation || closed || ended) {
                return;
            }
            generation++; // whatever else this subscription reports is stale
            subscription = null;
            requested = false;
            log.debug("{} subscription completed; renewing after {}", shardId, continuation);
            subscribing = true;
            after.subscribe = true;
        }
        after.run();
    }

    private void onFailure(long gen, Throwable error) {
        synchronized (this) {
            if (gen != generation || closed || ended) {
                return;
            }
            generation++;
            subscription = null;
            requested = false;
            subscribing = true;
            if (failures++ == 0) {
                failingSince = ticker.nanos();
            }
            AwsErrors.Kind kind = AwsErrors.classify(error);
            metrics.call(
                    shardId,
                    RetrievalMetrics.Operation.SUBSCRIBE_TO_SHARD,
                    kind == AwsErrors.Kind.THROTTLED
                            ? RetrievalMetrics.Outcome.THROTTLED
                            : RetrievalMetrics.Outcome.ERROR);
            Throwable cause = AwsErrors.unwrap(error);
            boolean inUse = cause instanceof ResourceInUseException;
            // A registration that failed for good (the consumer limit, permissions) is as fatal as access denied.
            boolean fatal = kind == AwsErrors.Kind.FATAL
                    || (cause instanceof KclException && !(cause instanceof RetryableKclException));
            if (kind == AwsErrors.Kind.NOT_FOUND) {
                consumerMissing = true;
            }
            if (kind == AwsErrors.Kind.NOT_FOUND && !notFoundLogged) {
                notFoundLogged = true;
                log.warn(
                        "{} subscription failed: {}; the stream consumer {} may have been deregistered, so it is "
                                + "registered again if needed before the next subscription",
                        shardId,
                        AwsErrors.describe(error),
                        registration.consumerName());
            }
            // After a renewal the previous subscription may stay open for a few seconds (ResourceInUse): routine,
            // so warn only when failures go on both in number and in time.
            boolean persistent = failures >= config.warnAfterFailures()
                    && ticker.nanos() - failingSince >= ROUTINE_FAILURES.toNanos();
            if (fatal) {
                if (!errorLogged) {
                    errorLogged = true;
                    log.error(
                            "{} subscription failed with an error retrying is unlikely to fix; retrying every {} at "
                                    + "most until the cause is fixed or the shard moves: {}",
                            shardId,
                            config.resubscribeBackoff().max(),
                            AwsErrors.describe(error));
                } else {
                    log.debug("{} subscription failed again: {}", shardId, AwsErrors.describe(error));
                }
            } else if (persistent && (!warned || failures % 20 == 0)) {
                warned = true;
                log.warn(
                        "{} subscription failed {} times in a row, resuming after {}: {}",
                        shardId,
                        failures,
                        continuation != null ? continuation : start,
                        AwsErrors.describe(error));
            } else {
                log.debug(
                        "{} subscription failed ({}), resubscribing: {}",
                        shardId,
                        inUse ? "still in use" : kind,
                        AwsErrors.describe(error));
            }
            Duration delay = config.resubscribeBackoff().delay(failures);
            timer.schedule(this::subscribe, delay.isZero() ? Duration.ofMillis(1) : delay);
        }
    }

    /**
     * The watcher saw the shard closed; if the subscription has not ended it, confirm with one GetRecords after the
     * continuation: a drained closed shard returns no record, no next iterator, and its children.
     */
    private void onShardClosed() {
        String after;
        synchronized (this) {
            if (checking || ended || closed) {
                return;
            }
            checking = true;
            after = continuation;
        }
        var request = after != null
                ? kinesis.getShardIterator(b -> b.streamName(stream)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(after))
                : kinesis.getShardIterator(
                        b -> b.streamName(stream).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON));
        request.thenCompose(iterator -> kinesis.getRecords(b -> b.shardIterator(iterator.shardIterator())))
                .whenComplete((records, failure) -> {
                    if (failure == null && records.records().isEmpty() && records.nextShardIterator() == null) {
                        onConfirmedEnd(records);
                    } else {
                        doneChecking(); // records still to come through the subscription: look again later
                    }
                });
    }

    private synchronized void doneChecking() {
        checking = false;
    }

    private void onConfirmedEnd(GetRecordsResponse response) {
        After after = new After();
        synchronized (this) {
            checking = false;
            if (closed || ended) {
                return;
            }
            List<ChildShard> children =
                    response.hasChildShards() ? KinesisModels.childShards(response.childShards()) : List.of();
            log.info(
                    "{} has ended (the subscription did not say so; confirmed with ListShards and GetRecords)",
                    shardId);
            endShard(List.of(), 0, children, after);
        }
        after.run();
    }

    /** Holds the lock. */
    private void endShard(List<KinesisRecord> records, long behind, List<ChildShard> children, After after) {
        ended = true;
        watcher.unwatch(shardId);
        generation++;
        after.cancel = subscription;
        subscription = null;
        log.info(
                "{} read to its end; children {}",
                shardId,
                children.stream().map(ChildShard::shardId).toList());
        enqueue(new RecordBatch(records, behind, Optional.of(children)), after);
    }

    /** Holds the lock. */
    private void enqueue(RecordBatch batch, After after) {
        if (waiting != null) {
            after.complete = waiting;
            after.batch = batch;
            waiting = null;
        } else {
            ready.add(batch);
        }
    }

    @Override
    public void close() {
        Subscription cancel;
        CompletableFuture<RecordBatch> pending;
        watcher.unwatch(shardId);
        synchronized (this) {
            closed = true;
            generation++;
            cancel = subscription;
            subscription = null;
            pending = waiting;
            waiting = null;
            ready.clear();
        }
        if (cancel != null) {
            cancel.cancel();
        }
        if (pending != null) {
            pending.completeExceptionally(new CancellationException(shardId + " record source closed"));
        }
    }

    @Override
    public synchronized String toString() {
        return "FanOutRecordSource[" + shardId + ", " + ready.size() + " events ready, after " + continuation
                + (ended ? ", ended" : "") + "]";
    }
}
