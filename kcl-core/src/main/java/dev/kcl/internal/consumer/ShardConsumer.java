package dev.kcl.internal.consumer;

import dev.kcl.DeadLetter;
import dev.kcl.InitializationInput;
import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostException;
import dev.kcl.LeaseLostInput;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.RecordFailedException;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.checkpoint.CheckpointObserver;
import dev.kcl.checkpoint.CheckpointStore;
import dev.kcl.checkpoint.SequenceNumber;
import dev.kcl.checkpoint.ShardCheckpointer;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.internal.metrics.Metrics;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricUnit;
import dev.kcl.spi.ChildShard;
import dev.kcl.spi.RecordBatch;
import dev.kcl.spi.RecordSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one shard for as long as this worker holds its lease: waits for the parents, drives the processor
 * through its lifecycle ({@link ConsumerState}), pulls batches from the record source, applies the failure policy,
 * and at shard end creates the children's leases.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li>Every step runs on this consumer's {@link SerialExecutor}, so the processor is never called concurrently and
 *       the state needs no lock. Signals from the lease thread ({@link #leaseLost()}, {@link #shutdownRequested()})
 *       set a flag and queue a step; they take effect between two processor calls.
 *   <li>Before each delivery the consumer asks the coordinator whether the lease is still held (which includes the
 *       worker's own heartbeat being fresh): a worker that lost its lease, or cannot prove it still holds it, does
 *       not deliver.
 *   <li>Records are de-aggregated here, for every retrieval alike, and records at or before the starting checkpoint
 *       (including sub-records of a part-checkpointed aggregated record) are dropped.
 * </ul>
 */
public final class ShardConsumer {
    private static final Logger log = LoggerFactory.getLogger(ShardConsumer.class);
    private static final Duration HOLD_RECHECK = Duration.ofMillis(100);

    private final String shardId;
    private final Lease lease;
    private final ConsumerContext context;
    private final SerialExecutor serial;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final ThroughputMeter throughput;

    private volatile boolean lostSignal;
    private volatile boolean shutdownSignal;

    // confined to the serial executor
    private ConsumerState state = ConsumerState.WAITING_ON_PARENTS;
    private RecordProcessor processor;
    /** With parallelism above 1: one processor per lane (the first is {@link #processor}). */
    private List<RecordProcessor> lanes = List.of();

    private ShardCheckpointer checkpointer;
    private RecordSource source;
    private Checkpoint.After skipThrough;
    private boolean stopped;
    private int initializeFailures;
    /**
     * Lanes are running on the pool: signals wait for them (calls to a processor never overlap, and what they finish
     * is checkpointed before the shard is handed over).
     */
    private boolean lanesInFlight;

    public ShardConsumer(Lease lease, ConsumerContext context) {
        this.shardId = lease.leaseKey();
        this.lease = lease;
        this.context = context;
        this.serial = new SerialExecutor(context.pool(), "consumer " + shardId);
        this.throughput = new ThroughputMeter(context.ticker());
    }

    public String shardId() {
        return shardId;
    }

    /** Completes when the consumer has shut down and its processor will get no more calls. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    public void start() {
        serial.execute(this::awaitParents);
    }

    /** The lease moved to another worker: stop, with {@code leaseLost}. */
    public void leaseLost() {
        lostSignal = true;
        serial.execute(this::react);
    }

    /** Hand the shard over: {@code shutdownRequested}, then the handoff completes. */
    public void shutdownRequested() {
        shutdownSignal = true;
        serial.execute(this::react);
    }

    private void transitionTo(ConsumerState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(shardId + ": illegal transition " + state + " -> " + next);
        }
        log.info("{} {} -> {}", shardId, state, next);
        state = next;
    }

    private boolean signalled() {
        return lostSignal || shutdownSignal;
    }

    // ---- waiting and initializing

    private void awaitParents() {
        if (signalled()) {
            react();
            return;
        }
        if (lease.isFinished()) {
            log.info("{} has already been read to its end: nothing to consume", shardId);
            context.parents().finished(shardId);
            shutDown();
            return;
        }
        context.parents().await(shardId, lease.parentShardIds()).thenRun(() -> serial.execute(this::initialize));
    }

    private void initialize() {
        if (state != ConsumerState.WAITING_ON_PARENTS && state != ConsumerState.INITIALIZING) {
            return;
        }
        if (signalled()) {
            react();
            return;
        }
        StoredCheckpoint start = lease.checkpoint().orElse(StoredCheckpoint.of(Checkpoint.TRIM_HORIZON));
        Checkpoint startAt;
        try {
            startAt = Checkpoint.fromStored(start, context.initialTimestamp());
        } catch (IllegalArgumentException e) {
            // Reading from a guessed position would lose or repeat records: the shard waits, held, until its lease is
            // reset (which ends this consumer) or the worker restarts with the missing setting.
            log.error(
                    "{} cannot start: the checkpoint stored in its lease is unusable ({}). Nothing is read from this "
                            + "shard until the lease is reset (kcl reset --shard {}) or the worker is configured to "
                            + "read it (an AT_TIMESTAMP lease needs initialPosition(InitialPosition.atTimestamp(...)))",
                    shardId,
                    e.getMessage(),
                    shardId);
            context.metrics().count(shardId, MetricNames.UNUSABLE_CHECKPOINTS, 1);
            return;
        }
        if (state == ConsumerState.WAITING_ON_PARENTS) {
            transitionTo(ConsumerState.INITIALIZING);
            processor = context.processors().create(shardId);
            List<RecordProcessor> all = new ArrayList<>();
            all.add(processor);
            for (int lane = 1; lane < context.parallelism(); lane++) {
                all.add(context.processors().create(shardId));
            }
            lanes = List.copyOf(all);
            checkpointer = new ShardCheckpointer(
                    shardId,
                    start,
                    withThroughput(CheckpointStore.of(context.coordinator(), lease.counter())),
                    context.checkpointBackoff(),
                    context.sleeper(),
                    new CheckpointObserver() {
                        @Override
                        public void written(String shard) {
                            context.metrics().count(shard, MetricNames.CHECKPOINT_SUCCESS, 1);
                        }

                        @Override
                        public void failed(String shard, Throwable cause) {
                            context.metrics().count(shard, MetricNames.CHECKPOINT_FAILURE, 1);
                        }
                    });
        }
        try {
            for (RecordProcessor lane : lanes) {
                lane.initialize(new InitializationInput(shardId, start.toString()));
            }
        } catch (RuntimeException e) {
            initializeFailures++;
            Duration delay = context.failurePolicy().backoff().delay(initializeFailures);
            log.warn(
                    "{} initialize failed (attempt {}), retrying in {} ms",
                    shardId,
                    initializeFailures,
                    delay.toMillis(),
                    e);
            later(delay, this::initialize);
            return;
        }
        if (startAt instanceof Checkpoint.After after) {
            skipThrough = after;
        }
        source = context.sources().open(shardId, startAt);
        transitionTo(ConsumerState.PROCESSING);
        requestNext();
    }

    /** Every progress write also records the shard's throughput, for the leader's balancing: no extra write. */
    private CheckpointStore withThroughput(CheckpointStore store) {
        return new CheckpointStore() {
            @Override
            public java.util.Optional<Lease> lease(String leaseKey) {
                return store.lease(leaseKey);
            }

            @Override
            public LeaseWrite update(String leaseKey, java.util.function.UnaryOperator<Lease> change) {
                java.util.Optional<Double> kbps = throughput.reading();
                if (kbps.isEmpty()) {
                    return store.update(leaseKey, change);
                }
                return store.update(
                        leaseKey,
                        l -> change.apply(l).toBuilder().throughputKBps(kbps).build());
            }
        };
    }

    // ---- processing

    private void requestNext() {
        if (state != ConsumerState.PROCESSING || stopped) {
            return;
        }
        if (signalled()) {
            react();
            return;
        }
        if (!context.coordinator().holds(shardId)) {
            later(HOLD_RECHECK, this::requestNext); // the coordinator decides: it comes back, or it is lost
            return;
        }
        source.next().whenComplete((batch, error) -> serial.execute(() -> onBatch(batch, error)));
    }

    private void onBatch(RecordBatch batch, Throwable error) {
        if (state != ConsumerState.PROCESSING) {
            return;
        }
        if (signalled()) {
            react();
            return;
        }
        if (error != null) {
            log.warn("{} record source failed: {}", shardId, error.toString());
            later(HOLD_RECHECK, this::requestNext);
            return;
        }
        Deaggregator.Result split = context.deaggregator().split(shardId, batch.records());
        if (split.deaggregated() > 0) {
            context.metrics().count(shardId, MetricNames.RECORDS_DEAGGREGATED, split.deaggregated());
        }
        if (split.malformed() > 0) {
            context.metrics().count(shardId, MetricNames.MALFORMED_AGGREGATED_RECORDS, split.malformed());
        }
        List<KinesisRecord> records = split.records();
        long bytes = 0;
        for (KinesisRecord record : records) {
            bytes += record.data().remaining();
        }
        throughput.delivered(bytes);
        if (skipThrough != null) {
            records = dropProcessed(records);
        }
        if (records.isEmpty()) {
            afterDelivery(batch);
        } else {
            deliver(records, batch, 1);
        }
    }

    private List<KinesisRecord> dropProcessed(List<KinesisRecord> records) {
        List<KinesisRecord> kept = new ArrayList<>(records.size());
        for (KinesisRecord record : records) {
            Checkpoint.After position = Checkpoint.After.of(record.sequenceNumber(), record.subSequenceNumber());
            if (position.compareTo(skipThrough) > 0) {
                kept.add(record);
            }
        }
        if (!kept.isEmpty()) {
            skipThrough = null; // past the checkpoint: nothing more to drop
        }
        return kept;
    }

    /**
     * A batch processed in lanes (key-ordered parallelism): the records split by partition key, each lane's records
     * still to deliver as a queue of parts (a failing part is retried, or bisected, on its own, as the whole batch is
     * without lanes), and the tracker of what every lane finished. Confined to the serial executor, but for the
     * tracker, which lanes mark from their threads.
     */
    private record LaneWork(
            List<KinesisRecord> records,
            WatermarkTracker tracker,
            RecordBatch batch,
            List<java.util.Deque<LanePart>> parts) {

        static LaneWork of(List<KinesisRecord> records, RecordBatch batch, int lanes) {
            List<java.util.Deque<LanePart>> parts = new ArrayList<>(lanes);
            List<List<Integer>> byLane = new ArrayList<>(lanes);
            for (int lane = 0; lane < lanes; lane++) {
                parts.add(new java.util.ArrayDeque<>());
                byLane.add(new ArrayList<>());
            }
            for (int i = 0; i < records.size(); i++) {
                byLane.get(Math.floorMod(records.get(i).partitionKey().hashCode(), lanes))
                        .add(i);
            }
            for (int lane = 0; lane < lanes; lane++) {
                if (!byLane.get(lane).isEmpty()) {
                    parts.get(lane).add(new LanePart(byLane.get(lane), 0));
                }
            }
            return new LaneWork(records, new WatermarkTracker(records), batch, parts);
        }

        /**
         * The lane's next part without the records it finished already (a lane may checkpoint part of its records
         * before it throws), or null when the lane has nothing left of this batch.
         */
        LanePart next(int lane) {
            java.util.Deque<LanePart> queue = parts.get(lane);
            while (!queue.isEmpty()) {
                LanePart head = queue.pollFirst();
                List<Integer> open =
                        head.indices().stream().filter(i -> !tracker.isDone(i)).toList();
                if (!open.isEmpty()) {
                    LanePart part = new LanePart(open, head.failures());
                    queue.addFirst(part);
                    return part;
                }
            }
            return null;
        }

        List<KinesisRecord> recordsOf(List<Integer> indices) {
            return indices.stream().map(records::get).toList();
        }
    }

    /** Records of one lane (their places in the batch, in order) delivered together, and how many times they failed. */
    private record LanePart(List<Integer> indices, int failures) {}

    /** A lane's part the failure policy gave up on, to send to the dead letters, skip, or stop the shard for. */
    private record LaneGiveUp(int lane, LanePart part, RuntimeException error, String why) {}

    /**
     * Key-ordered parallelism: each lane's processor gets its next part of the batch in order, lanes run concurrently
     * on the pool; when all have returned the low watermark of finished records is checkpointed, and the failure
     * policy is applied to each lane that failed.
     */
    private void runLanes(LaneWork work) {
        if (!mayDeliver(() -> runLanes(work))) {
            return;
        }
        List<Integer> ran = new ArrayList<>();
        List<LanePart> parts = new ArrayList<>();
        for (int lane = 0; lane < lanes.size(); lane++) {
            LanePart part = work.next(lane);
            if (part != null) {
                ran.add(lane);
                parts.add(part);
            }
        }
        if (ran.isEmpty()) {
            afterDelivery(work.batch());
            return;
        }
        KinesisRecord last = work.records().get(work.records().size() - 1);
        checkpointer.delivered(last.sequenceNumber(), last.subSequenceNumber());
        long started = context.ticker().nanos();
        lanesInFlight = true;
        List<CompletableFuture<RuntimeException>> running = new ArrayList<>();
        for (int k = 0; k < ran.size(); k++) {
            RecordProcessor laneProcessor = lanes.get(ran.get(k));
            List<Integer> indices = parts.get(k).indices();
            running.add(CompletableFuture.supplyAsync(
                    () -> runLane(
                            laneProcessor,
                            work.records(),
                            indices,
                            work.tracker(),
                            work.batch().millisBehindLatest()),
                    context.pool()));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .whenComplete((v, error) -> serial.execute(() -> afterLanes(work, ran, parts, running, started)));
    }

    /** One lane's call; returns its failure, if any, having marked what it finished. */
    private RuntimeException runLane(
            RecordProcessor laneProcessor,
            List<KinesisRecord> records,
            List<Integer> indices,
            WatermarkTracker tracker,
            long millisBehind) {
        List<KinesisRecord> laneRecords = indices.stream().map(records::get).toList();
        try {
            laneProcessor.processRecords(new ProcessRecordsInput(
                    laneRecords, new LaneCheckpointer(shardId, records, indices, tracker), millisBehind));
            indices.forEach(tracker::complete);
            return null;
        } catch (RecordFailedException e) {
            int failedAt = indexOf(laneRecords, e.record());
            for (int i = 0; i < failedAt; i++) {
                tracker.complete(indices.get(i)); // the lane's records before the failed one are done
            }
            return e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private void afterLanes(
            LaneWork work,
            List<Integer> ran,
            List<LanePart> parts,
            List<CompletableFuture<RuntimeException>> lanesRun,
            long started) {
        lanesInFlight = false;
        if (state != ConsumerState.PROCESSING) {
            return;
        }
        checkpointLaneWatermark(work);
        List<KinesisRecord> finished = new ArrayList<>();
        for (LanePart part : parts) {
            for (int i : part.indices()) {
                if (work.tracker().isDone(i)) {
                    finished.add(work.records().get(i));
                }
            }
        }
        if (!finished.isEmpty()) {
            recordSuccess(finished, started);
        }
        if (signalled()) {
            react(); // a signal that came while the lanes ran, now that they have returned
            return;
        }
        ProcessorFailurePolicy policy = context.failurePolicy();
        Duration delay = Duration.ZERO;
        List<LaneGiveUp> giveUps = new ArrayList<>();
        for (int k = 0; k < ran.size(); k++) {
            int lane = ran.get(k);
            RuntimeException failure = lanesRun.get(k).join();
            java.util.Deque<LanePart> queue = work.parts().get(lane);
            LanePart part = queue.pollFirst();
            if (failure == null) {
                continue;
            }
            context.metrics().count(shardId, MetricNames.PROCESSOR_FAILURES, 1);
            List<Integer> open = part.indices().stream()
                    .filter(i -> !work.tracker().isDone(i))
                    .toList();
            if (open.isEmpty()) {
                continue; // it threw after finishing every record (checkpointed them all)
            }
            int old = tooOld(work.recordsOf(open));
            if (old > 0 && old < open.size()) {
                // Only the records past the age limit go; the younger rest is retried (or bisected) on its own.
                queue.addFirst(new LanePart(open.subList(old, open.size()), part.failures()));
                giveUps.add(new LaneGiveUp(
                        lane,
                        new LanePart(open.subList(0, old), part.failures()),
                        failure,
                        "finding records older than " + policy.maxRecordAge().get()));
                continue;
            }
            boolean tooOld = old > 0;
            String range = range(work.recordsOf(open));
            if (policy.bisectOnFailure() && open.size() > 1 && !tooOld) {
                int half = open.size() / 2;
                log.warn(
                        "{} processRecords failed in lane {} for records {}; delivering each half on its own: {}",
                        shardId,
                        lane,
                        range,
                        failure.toString());
                queue.addFirst(new LanePart(open.subList(half, open.size()), 0));
                queue.addFirst(new LanePart(open.subList(0, half), 0));
                delay = max(delay, policy.backoff().delay(1));
                continue;
            }
            int failures = part.failures() + 1;
            if (tooOld || policy.isExhausted(failures)) {
                String why = tooOld
                        ? "finding records older than " + policy.maxRecordAge().get()
                        : failures + " failed attempts";
                giveUps.add(new LaneGiveUp(lane, new LanePart(open, failures), failure, why));
                continue;
            }
            Duration retryIn = policy.backoff().delay(failures);
            if (failures == 1 || failures % 10 == 0) {
                log.warn(
                        "{} processRecords failed in lane {} for records {} (attempt {}); delivering them again in {}"
                                + " ms",
                        shardId,
                        lane,
                        range,
                        failures,
                        retryIn.toMillis(),
                        failure);
            }
            queue.addFirst(new LanePart(open, failures));
            delay = max(delay, retryIn);
        }
        giveUpInLanes(work, giveUps, 0, delay);
    }

    /** Gives up on the lanes' parts one after the other, then goes on with the batch after {@code delay}. */
    private void giveUpInLanes(LaneWork work, List<LaneGiveUp> giveUps, int next, Duration delay) {
        if (next < giveUps.size()) {
            LaneGiveUp lane = giveUps.get(next);
            giveUp(
                    new Segment(
                            work.recordsOf(lane.part().indices()), lane.part().failures()),
                    lane.error(),
                    lane.why(),
                    records -> lane.part().indices().forEach(work.tracker()::complete),
                    () -> giveUpInLanes(work, giveUps, next + 1, delay));
            return;
        }
        if (stopped || state != ConsumerState.PROCESSING) {
            return;
        }
        if (!giveUps.isEmpty()) {
            checkpointLaneWatermark(work);
        }
        if (delay.isZero()) {
            runLanes(work);
        } else {
            later(delay, () -> runLanes(work));
        }
    }

    /** Checkpoints the low watermark of what the lanes finished (or gave up on), unless the lease was lost. */
    private void checkpointLaneWatermark(LaneWork work) {
        if (lostSignal) {
            return;
        }
        try {
            work.tracker()
                    .watermark()
                    .ifPresent(w -> checkpointQuietly(w.sequenceNumber().toString(), w.subSequenceNumber()));
        } catch (LeaseLostException e) {
            lostSignal = true;
        } catch (RuntimeException e) {
            // a failed write of the watermark: the records are delivered again by whoever reads the shard next
            log.warn("{} could not checkpoint what its lanes finished: {}", shardId, e.toString());
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Part of a batch still to deliver, and how many times it failed. */
    private record Segment(List<KinesisRecord> records, int failures) {}

    /** The parts of the current batch still to deliver, in order (confined to the serial executor). */
    private final java.util.Deque<Segment> segments = new java.util.ArrayDeque<>();

    private void deliver(List<KinesisRecord> records, RecordBatch batch, int attempt) {
        if (lanes.size() > 1) {
            runLanes(LaneWork.of(records, batch, lanes.size()));
            return;
        }
        segments.clear();
        segments.add(new Segment(records, attempt - 1));
        nextSegment(batch);
    }

    private void nextSegment(RecordBatch batch) {
        if (state != ConsumerState.PROCESSING) {
            return;
        }
        while (!segments.isEmpty()) {
            Segment segment = segments.pollFirst();
            List<KinesisRecord> pending = notYetCheckpointed(segment.records());
            if (!pending.isEmpty()) {
                deliverSegment(new Segment(pending, segment.failures()), batch);
                return;
            }
        }
        afterDelivery(batch);
    }

    /** What the checkpoint does not cover yet: a processor may have checkpointed part of a batch before failing. */
    private List<KinesisRecord> notYetCheckpointed(List<KinesisRecord> records) {
        StoredCheckpoint committed = checkpointer.committed();
        if (!SequenceNumber.isSequenceNumber(committed.sequenceNumber())) {
            return records;
        }
        Checkpoint.After done = Checkpoint.After.of(committed.sequenceNumber(), committed.subSequenceNumber());
        return records.stream()
                .filter(r -> Checkpoint.After.of(r.sequenceNumber(), r.subSequenceNumber())
                                .compareTo(done)
                        > 0)
                .toList();
    }

    /**
     * Whether records may go to the processor now: not when the consumer is winding down or was told to, and not
     * while the lease is in doubt (then {@code retry} runs once it may be held again).
     */
    private boolean mayDeliver(Runnable retry) {
        if (state != ConsumerState.PROCESSING) {
            return false;
        }
        if (signalled()) {
            react();
            return false;
        }
        if (!context.coordinator().holds(shardId)) {
            later(HOLD_RECHECK, retry);
            return false;
        }
        return true;
    }

    private void deliverSegment(Segment segment, RecordBatch batch) {
        if (!mayDeliver(() -> deliverSegment(segment, batch))) {
            return;
        }
        List<KinesisRecord> records = segment.records();
        KinesisRecord last = records.get(records.size() - 1);
        checkpointer.delivered(last.sequenceNumber(), last.subSequenceNumber());
        long started = context.ticker().nanos();
        try {
            processor.processRecords(new ProcessRecordsInput(records, checkpointer, batch.millisBehindLatest()));
        } catch (LeaseLostException e) {
            log.info("{} processor found the lease lost while checkpointing", shardId);
            lostSignal = true;
            react();
            return;
        } catch (RecordFailedException e) {
            int at = indexOf(records, e.record());
            if (at > 0) {
                checkpointQuietly(records.get(at - 1)); // the records before the failed one are done
                recordSuccess(records.subList(0, at), started);
            }
            onSegmentFailure(
                    new Segment(records.subList(at, records.size()), segment.failures() + 1),
                    e.getCause() instanceof RuntimeException cause ? cause : e,
                    batch);
            return;
        } catch (RuntimeException e) {
            onSegmentFailure(new Segment(records, segment.failures() + 1), e, batch);
            return;
        }
        recordSuccess(records, started);
        nextSegment(batch);
    }

    private void recordSuccess(List<KinesisRecord> records, long startedNanos) {
        Metrics metrics = context.metrics();
        metrics.shard(
                shardId,
                MetricNames.PROCESSING_LATENCY,
                MetricUnit.MILLISECONDS,
                (context.ticker().nanos() - startedNanos) / 1_000_000.0);
        metrics.count(shardId, MetricNames.RECORDS_PROCESSED, records.size());
        long bytes = 0;
        for (KinesisRecord record : records) {
            bytes += record.data().remaining();
        }
        metrics.shard(shardId, MetricNames.BYTES_PROCESSED, MetricUnit.BYTES, bytes);
    }

    /** Where the failed record is in the records; 0 (all of them failed) when it is not among them. */
    private static int indexOf(List<KinesisRecord> records, KinesisRecord failed) {
        for (int i = 0; i < records.size(); i++) {
            KinesisRecord r = records.get(i);
            if (r.sequenceNumber().equals(failed.sequenceNumber())
                    && r.subSequenceNumber() == failed.subSequenceNumber()) {
                return i;
            }
        }
        return 0;
    }

    private void checkpointQuietly(KinesisRecord record) {
        checkpointQuietly(record.sequenceNumber(), record.subSequenceNumber());
    }

    private void checkpointQuietly(String sequenceNumber, long subSequenceNumber) {
        try {
            checkpointer.checkpoint(sequenceNumber, subSequenceNumber);
        } catch (IllegalArgumentException e) {
            // already checkpointed at or past it: nothing to do
        }
    }

    private void onSegmentFailure(Segment segment, RuntimeException e, RecordBatch batch) {
        ProcessorFailurePolicy policy = context.failurePolicy();
        context.metrics().count(shardId, MetricNames.PROCESSOR_FAILURES, 1);
        List<KinesisRecord> records = segment.records();
        int old = tooOld(records);
        if (old > 0 && old < records.size()) {
            // Only the records past the age limit go; the younger rest is retried (or bisected) on its own.
            segments.addFirst(new Segment(records.subList(old, records.size()), segment.failures()));
            giveUp(
                    new Segment(records.subList(0, old), segment.failures()),
                    e,
                    "finding records older than " + policy.maxRecordAge().get(),
                    this::checkpointPast,
                    () -> nextSegment(batch));
            return;
        }
        boolean tooOld = old > 0;
        String range = range(records);
        if (policy.bisectOnFailure() && records.size() > 1 && !tooOld) {
            int half = records.size() / 2;
            log.warn("{} processRecords failed for records {}; delivering each half on its own", shardId, range);
            segments.addFirst(new Segment(records.subList(half, records.size()), 0));
            segments.addFirst(new Segment(records.subList(0, half), 0));
            later(policy.backoff().delay(1), () -> nextSegment(batch));
            return;
        }
        if (tooOld || policy.isExhausted(segment.failures())) {
            String why = tooOld
                    ? "finding records older than " + policy.maxRecordAge().get()
                    : segment.failures() + " failed attempts";
            giveUp(segment, e, why, this::checkpointPast, () -> nextSegment(batch));
            return;
        }
        Duration delay = policy.backoff().delay(segment.failures());
        if (segment.failures() == 1 || segment.failures() % 10 == 0) {
            log.warn(
                    "{} processRecords failed for records {} (attempt {}); delivering them again in {} ms",
                    shardId,
                    range,
                    segment.failures(),
                    delay.toMillis(),
                    e);
        }
        segments.addFirst(segment);
        later(delay, () -> nextSegment(batch));
    }

    /** How many of the records, from the first, arrived longer ago than the policy's maximum record age. */
    private int tooOld(List<KinesisRecord> records) {
        if (context.failurePolicy().maxRecordAge().isEmpty()) {
            return 0;
        }
        java.time.Instant limit = context.clock()
                .instant()
                .minus(context.failurePolicy().maxRecordAge().get());
        int old = 0;
        while (old < records.size()
                && records.get(old).approximateArrivalTimestamp().isBefore(limit)) {
            old++;
        }
        return old;
    }

    /** Checkpoints past records given up on: they are dealt with, never again. */
    private void checkpointPast(List<KinesisRecord> records) {
        checkpointQuietly(records.get(records.size() - 1));
    }

    /**
     * Applies what the policy says when it gives up on records: sends them to the dead letters or skips them, then
     * marks them dealt with ({@code dealtWith}) and goes on ({@code next}); or stops the shard.
     */
    private void giveUp(
            Segment segment,
            RuntimeException e,
            String why,
            java.util.function.Consumer<List<KinesisRecord>> dealtWith,
            Runnable next) {
        if (state != ConsumerState.PROCESSING) {
            return; // a retry of the dead-letter send after the shard was handed over or lost: its next owner decides
        }
        ProcessorFailurePolicy policy = context.failurePolicy();
        List<KinesisRecord> records = segment.records();
        String range = range(records);
        switch (policy.exhausted()) {
            case DEAD_LETTER -> {
                List<DeadLetter> letters = records.stream()
                        .map(r -> new DeadLetter(
                                context.streamName(),
                                shardId,
                                r,
                                segment.failures(),
                                e.getClass().getSimpleName() + ": " + e.getMessage(),
                                context.clock().instant()))
                        .toList();
                try {
                    policy.deadLetters().orElseThrow().send(letters);
                } catch (RuntimeException sendFailure) {
                    log.warn(
                            "{} could not send records {} to the dead-letter destination; trying again: {}",
                            shardId,
                            range,
                            sendFailure.toString());
                    later(
                            policy.backoff().delay(Math.min(Math.max(segment.failures(), 1), 10)),
                            () -> giveUp(segment, e, why, dealtWith, next));
                    return;
                }
                log.error(
                        "{} gave up on records {} after {}: sent to the dead-letter destination",
                        shardId,
                        range,
                        why,
                        e);
                context.metrics().count(shardId, MetricNames.RECORDS_DEAD_LETTERED, records.size());
                dealtWith.accept(records);
                next.run();
            }
            case SKIP_BATCH -> {
                log.error(
                        "{} gave up on records {} after {}: skipping them, as the failure policy says",
                        shardId,
                        range,
                        why,
                        e);
                context.metrics().count(shardId, MetricNames.RECORDS_SKIPPED, records.size());
                dealtWith.accept(records);
                next.run();
            }
            default -> {
                log.error(
                        "{} gave up on records {} after {}: the shard is stopped until this worker shuts down or "
                                + "hands it over",
                        shardId,
                        range,
                        why,
                        e);
                stopped = true;
            }
        }
    }

    private static String range(List<KinesisRecord> records) {
        KinesisRecord first = records.get(0);
        KinesisRecord last = records.get(records.size() - 1);
        return position(first) + ".." + position(last) + " (" + records.size() + ")";
    }

    private static String position(KinesisRecord record) {
        return record.subSequenceNumber() == 0
                ? record.sequenceNumber()
                : record.sequenceNumber() + "/" + record.subSequenceNumber();
    }

    private void afterDelivery(RecordBatch batch) {
        if (batch.shardEnded()) {
            endShard(batch.childShards().orElseThrow(), 1);
        } else {
            requestNext();
        }
    }

    // ---- shard end

    private void endShard(List<ChildShard> children, int attempt) {
        if (state == ConsumerState.PROCESSING) {
            if (signalled()) {
                react();
                return;
            }
            if (!createChildren(children, attempt)) {
                return;
            }
            transitionTo(ConsumerState.SHARD_ENDED);
            checkpointer.shardEnded();
        }
        callShardEnded(1);
    }

    /** Creates the children's leases and records them on the parent; false if it has to be tried again later. */
    private boolean createChildren(List<ChildShard> children, int attempt) {
        try {
            // This worker is alive and about to be free of the parent: it takes the children itself, so they start
            // within a poll instead of waiting for the leader's next round (which may rebalance them later).
            String me = context.coordinator().workerId();
            for (ChildShard child : children) {
                Lease childLease = Lease.builder(child.shardId())
                        .owner(me)
                        .checkpoint(StoredCheckpoint.of(Checkpoint.TRIM_HORIZON))
                        .parentShardIds(child.parentShardIds())
                        .hashKeyRange(child.hashKeyRange())
                        .build();
                if (context.table().create(childLease)) {
                    log.info("{} created the lease of child {}", shardId, child.shardId());
                } else {
                    context.table()
                            .get(child.shardId())
                            .filter(existing -> existing.owner().isEmpty())
                            .ifPresent(existing -> context.table().assign(existing, me));
                }
            }
            Set<String> ids = children.stream().map(ChildShard::shardId).collect(Collectors.toSet());
            if (!ids.isEmpty()) {
                LeaseWrite write = context.coordinator()
                        .updateProgress(
                                shardId,
                                lease.counter(),
                                l -> l.toBuilder().childShardIds(ids).build());
                if (!write.applied()) {
                    lostSignal = true;
                    react();
                    return false;
                }
            }
            return true;
        } catch (LeaseTableException e) {
            Duration delay = context.checkpointBackoff().delay(Math.min(attempt, 10));
            log.warn(
                    "{} could not create the child leases {} yet (attempt {}): {}",
                    shardId,
                    children.stream().map(ChildShard::shardId).toList(),
                    attempt,
                    e.getMessage());
            later(delay, () -> endShard(children, attempt + 1));
            return false;
        }
    }

    private void callShardEnded(int attempt) {
        if (state != ConsumerState.SHARD_ENDED) {
            return;
        }
        if (lostSignal) {
            shutDown(); // shardEnded was already called: no second final call
            return;
        }
        for (RecordProcessor lane : lanes) {
            try {
                lane.shardEnded(new ShardEndedInput(checkpointer));
            } catch (RuntimeException e) {
                log.warn("{} shardEnded threw", shardId, e);
            }
        }
        if (checkpointer.committed().isShardEnd()) {
            context.parents().finished(shardId);
            shutDown();
            if (shutdownSignal) {
                handedOff();
            }
            return;
        }
        if (shutdownSignal) {
            // the shard is handed over before it was finished: the next owner reads its tail and ends it
            shutDown();
            handedOff();
            return;
        }
        Duration delay = context.failurePolicy().backoff().delay(attempt);
        context.metrics().count(shardId, MetricNames.SHARD_END_NOT_CHECKPOINTED, 1);
        log.error(
                "{} has ended but shardEnded did not checkpoint SHARD_END (call input.checkpointer().checkpoint()); "
                        + "its children cannot start. Calling shardEnded again in {} ms",
                shardId,
                delay.toMillis());
        later(delay, () -> callShardEnded(attempt + 1));
    }

    // ---- the end

    /** Handles the lease-lost and shutdown signals according to the state. */
    private void react() {
        if (lanesInFlight) {
            return; // afterLanes reacts once every lane has returned
        }
        switch (state) {
            case WAITING_ON_PARENTS -> {
                shutDown();
                if (!lostSignal && shutdownSignal) {
                    handedOff();
                }
            }
            case INITIALIZING, PROCESSING -> {
                if (lostSignal) {
                    transitionTo(ConsumerState.LEASE_LOST);
                    for (RecordProcessor lane : lanes) {
                        try {
                            lane.leaseLost(new LeaseLostInput());
                        } catch (RuntimeException e) {
                            log.warn("{} leaseLost threw", shardId, e);
                        }
                    }
                    shutDown();
                } else if (shutdownSignal) {
                    transitionTo(ConsumerState.SHUTDOWN_REQUESTED);
                    for (RecordProcessor lane : lanes) {
                        try {
                            lane.shutdownRequested(new ShutdownRequestedInput(
                                    lanes.size() > 1 ? LaneCheckpointer.finishedOnly(shardId) : checkpointer));
                        } catch (RuntimeException e) {
                            log.warn("{} shutdownRequested threw", shardId, e);
                        }
                    }
                    shutDown();
                    handedOff();
                }
            }
            case SHARD_ENDED -> callShardEnded(1);
            default -> {
                // already finishing or finished
            }
        }
    }

    private void handedOff() {
        context.metrics().worker(MetricNames.LEASES_HANDED_OFF, MetricUnit.COUNT, 1);
        context.coordinator().completeHandoff(shardId);
    }

    private void shutDown() {
        if (state == ConsumerState.SHUT_DOWN) {
            return;
        }
        transitionTo(ConsumerState.SHUT_DOWN);
        if (source != null) {
            source.close();
        }
        terminated.complete(null);
    }

    private void later(Duration delay, Runnable step) {
        context.timer().schedule(() -> serial.execute(step), delay.isZero() ? Duration.ofMillis(1) : delay);
    }

    @Override
    public String toString() {
        return "ShardConsumer[" + shardId + " " + state + "]";
    }
}
