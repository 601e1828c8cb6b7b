package dev.kcl;

import dev.kcl.aws.AwsErrors;
import dev.kcl.aws.CloudWatchMetricsSink;
import dev.kcl.aws.KinesisShardDirectory;
import dev.kcl.internal.consumer.ConsumerContext;
import dev.kcl.internal.consumer.ConsumerRegistry;
import dev.kcl.internal.consumer.ParentGate;
import dev.kcl.internal.discovery.ShardSync;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.internal.metrics.Metrics;
import dev.kcl.leases.LeaseConfig;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.metrics.LoggingMetricsSink;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricUnit;
import dev.kcl.metrics.MetricsConfig;
import dev.kcl.metrics.MetricsLevel;
import dev.kcl.metrics.MetricsSink;
import dev.kcl.spi.RecordSourceFactory;
import dev.kcl.spi.RetrievalContext;
import dev.kcl.time.Backoff;
import dev.kcl.time.Sleeper;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import dev.kcl.time.WallClock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Consumes a Kinesis stream as one of a fleet of workers: takes a share of the shards through leases in DynamoDB,
 * delivers each shard's records in order to a {@link RecordProcessor}, and hands its shards over when it shuts down.
 *
 * <pre>{@code
 * Worker worker = Worker.builder()
 *         .applicationName("orders-app")          // also the lease table's name
 *         .streamName("orders")
 *         .kinesis(kinesisAsyncClient)
 *         .dynamoDb(dynamoDbAsyncClient)
 *         .processorFactory(shardId -> new OrderProcessor())
 *         .initialPosition(InitialPosition.trimHorizon())
 *         .build();
 * worker.start();
 * ...
 * boolean clean = worker.shutdown(Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * A worker runs one lease thread, one timer thread, one discovery thread and a small pool for the processors (calls
 * to one processor never overlap). It creates and stops these itself; it never closes the clients it was given.
 * Thread-safe.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final Object lock = new Object();
    private WorkerState state = WorkerState.CREATED; // guarded by lock
    private Throwable failure; // guarded by lock

    private ScheduledExecutorService leaseThread;
    private ScheduledExecutorService timer;
    private ScheduledExecutorService discoveryThread;
    private ExecutorService pool;
    private LeaseCoordinator coordinator;
    private ConsumerRegistry consumers;
    private RecordSourceFactory sources;
    private ScheduledFuture<?> syncTask;
    private ScheduledFuture<?> flushTask;
    private ScheduledFuture<?> healthTask;
    private Metrics metrics = Metrics.none();

    private Worker(WorkerConfig config) {
        this.config = config;
    }

    /** A builder with every setting at its default; {@code build()} checks them and names any that is wrong. */
    public static Builder builder() {
        return new Builder();
    }

    /** This worker's id: its name in the lease table. */
    public String workerId() {
        return config.workerId();
    }

    /** Where the worker is in its lifecycle. */
    public WorkerState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Why the worker is {@link WorkerState#FAILED}. */
    public Optional<Throwable> failure() {
        synchronized (lock) {
            return Optional.ofNullable(failure);
        }
    }

    /** The shards this worker consumes right now. */
    public List<String> shardIds() {
        return consumers == null ? List.of() : consumers.shardIds();
    }

    private void transitionTo(WorkerState next, Throwable cause) {
        synchronized (lock) {
            if (!state.canMoveTo(next)) {
                throw new IllegalStateException(
                        "worker " + config.workerId() + " is " + state + ", cannot become " + next);
            }
            log.info("worker {} {} -> {}", config.workerId(), state, next);
            state = next;
            if (cause != null) {
                failure = cause;
            }
        }
    }

    /**
     * Checks the stream and the lease table (creating the table if needed), then starts consuming and returns.
     *
     * @throws KclException if the stream does not exist, a permission is missing, or the lease table cannot be
     *     created; the worker is then {@link WorkerState#FAILED}
     * @throws IllegalStateException if the worker was started before
     */
    public void start() {
        transitionTo(WorkerState.STARTING, null);
        try {
            String streamArn = describeStream();
            // The lease thread waits on each call: bounding the wait bounds how late a worker cut off from DynamoDB
            // drops its leases and tells its processors (holds() already stops deliveries on time).
            Duration margin = config.leases().selfFenceMargin();
            DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(config.dynamoDb(), config.applicationName())
                    .callTimeout(margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin)
                    .failoverTime(config.leases().failoverTime())
                    .build();
            table.ensureExists();

            String id = config.workerId();
            leaseThread = Executors.newSingleThreadScheduledExecutor(named("kcl-lease-" + id));
            timer = Executors.newSingleThreadScheduledExecutor(named("kcl-timer-" + id));
            discoveryThread = Executors.newSingleThreadScheduledExecutor(named("kcl-discovery-" + id));
            pool = Executors.newFixedThreadPool(config.processorThreads(), named("kcl-processor-" + id));

            ShardSync sync = new ShardSync(
                    new KinesisShardDirectory(config.kinesis(), config.streamName()), table, config.initialPosition());
            runSync(sync); // a new application gets its leases before anyone looks for them
            TaskScheduler timerScheduler = TaskScheduler.of(timer);
            metrics = new Metrics(
                    config.metricsSink(), config.metrics().level(), config.applicationName(), id, config.clock());
            sources = config.retrieval()
                    .start(new RetrievalContext(
                            config.kinesis(),
                            config.streamName(),
                            streamArn,
                            config.applicationName(),
                            id,
                            timerScheduler,
                            config.ticker(),
                            metrics));
            consumers = new ConsumerRegistry();
            coordinator = new LeaseCoordinator(
                    id, table, table, config.leases(), consumers, config.ticker(), TaskScheduler.of(leaseThread));
            consumers.attach(new ConsumerContext(
                    config.processorFactory(),
                    sources,
                    coordinator,
                    table,
                    new ParentGate(table, timerScheduler, Duration.ofMillis(500)),
                    config.failurePolicy(),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 6),
                    Sleeper.system(),
                    new Deaggregator(),
                    config.initialPosition().timestamp(),
                    pool,
                    timerScheduler,
                    metrics,
                    config.ticker(),
                    config.streamName(),
                    config.clock(),
                    config.parallelism()));
            coordinator.start();
            long interval = config.shardSyncInterval().toMillis();
            syncTask = discoveryThread.scheduleWithFixedDelay(
                    () -> {
                        if (coordinator.isLeader()) {
                            runSync(sync);
                        }
                    },
                    interval,
                    interval,
                    TimeUnit.MILLISECONDS);
            long flushMillis = config.metrics().flushInterval().toMillis();
            flushTask =
                    timer.scheduleWithFixedDelay(this::flushMetrics, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
            healthTask = timer.scheduleWithFixedDelay(this::checkLeaseTable, 1, 1, TimeUnit.SECONDS);
            transitionTo(WorkerState.RUNNING, null);
        } catch (RuntimeException e) {
            stopThreads();
            transitionTo(WorkerState.FAILED, e);
            throw e instanceof KclException
                    ? e
                    : new KclException("worker " + config.workerId() + " could not start: " + e.getMessage(), e);
        }
    }

    private String describeStream() {
        try {
            return config.kinesis()
                    .describeStreamSummary(b -> b.streamName(config.streamName()))
                    .get(START_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .streamDescriptionSummary()
                    .streamARN();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KclException("interrupted while checking stream " + config.streamName(), e);
        } catch (TimeoutException e) {
            throw new RetryableKclException("checking stream " + config.streamName() + " timed out", e);
        } catch (ExecutionException e) {
            AwsErrors.Kind kind = AwsErrors.classify(e);
            if (kind == AwsErrors.Kind.NOT_FOUND) {
                throw new KclException(
                        "stream " + config.streamName() + " does not exist (or is not visible to "
                                + "these credentials in this region)",
                        AwsErrors.unwrap(e));
            }
            throw new KclException(
                    "cannot describe stream " + config.streamName() + " (the worker needs "
                            + "kinesis:DescribeStreamSummary): " + AwsErrors.describe(e),
                    AwsErrors.unwrap(e));
        }
    }

    private void runSync(ShardSync sync) {
        try {
            sync.run();
        } catch (RetryableKclException | LeaseTableException e) {
            log.warn("shard discovery failed, will retry: {}", e.getMessage());
        }
    }

    /**
     * Shuts down gracefully: each processor gets {@code shutdownRequested} and may checkpoint, then its lease is
     * handed to another worker (or released), the worker leaves the fleet and its threads stop.
     *
     * @return true when every processor finished and every lease was handed off within {@code timeout}
     */
    public boolean shutdown(Duration timeout) {
        synchronized (lock) {
            if (state == WorkerState.CREATED) {
                transitionTo(WorkerState.STOPPED, null);
                return true;
            }
            if (state != WorkerState.RUNNING) {
                return state == WorkerState.STOPPED;
            }
            transitionTo(WorkerState.SHUTTING_DOWN, null);
        }
        long deadline = config.ticker().nanos() + timeout.toNanos();
        if (syncTask != null) {
            syncTask.cancel(false);
        }
        boolean clean;
        CompletableFuture<Boolean> handoff = coordinator.shutdown();
        try {
            clean = handoff.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "worker {}: not every lease was handed off within {}; releasing the rest",
                    config.workerId(),
                    timeout);
            coordinator.abandonShutdown();
            clean = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            coordinator.abandonShutdown();
            clean = false;
        } catch (ExecutionException e) {
            log.warn("worker {} shutdown failed", config.workerId(), e.getCause());
            clean = false;
        }
        try {
            consumers
                    .allTerminated()
                    .get(Math.max(remaining(deadline), TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("worker {}: some processors were still busy at shutdown", config.workerId());
            clean = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        if (flushTask != null) {
            flushTask.cancel(false);
        }
        sampleWorkerMetrics();
        try {
            config.metricsSink().close();
        } catch (RuntimeException e) {
            log.warn("worker {}: the metrics sink failed to close", config.workerId(), e);
        }
        stopThreads();
        transitionTo(WorkerState.STOPPED, null);
        return clean;
    }

    /**
     * A worker that cannot write to its lease table for the whole failover time, for a reason retrying cannot fix
     * (the table was deleted, access was revoked), has lost its leases already: it stops and says why, rather than
     * idling in RUNNING. It never recreates the table by itself, as the checkpoints went with it.
     */
    private void checkLeaseTable() {
        coordinator.permanentFailure().ifPresent(e -> {
            synchronized (lock) {
                if (state != WorkerState.RUNNING) {
                    return;
                }
                transitionTo(
                        WorkerState.FAILED,
                        new KclException("worker " + config.workerId() + " stopped: " + e.getMessage(), e));
            }
            log.error(
                    "worker {} stopped: {}. Its leases went to other workers or wait for them; restart it once the "
                            + "lease table is usable (a deleted table is created again on start, without its checkpoints)",
                    config.workerId(),
                    e.getMessage());
            Thread stopper = new Thread(this::stopAfterFailure, "kcl-stop-" + config.workerId());
            stopper.start();
        });
    }

    private void stopAfterFailure() {
        syncTask.cancel(false);
        flushTask.cancel(false);
        healthTask.cancel(false);
        coordinator.halt();
        try {
            consumers.allTerminated().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("worker {}: some processors were still busy when it stopped", config.workerId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopThreads();
    }

    private void flushMetrics() {
        try {
            sampleWorkerMetrics();
            config.metricsSink().flush();
        } catch (RuntimeException e) {
            log.warn("worker {}: metrics flush failed", config.workerId(), e);
        }
    }

    /** The worker-wide levels, sampled once per flush. */
    private void sampleWorkerMetrics() {
        if (coordinator == null) {
            return;
        }
        metrics.worker(
                MetricNames.LEASES_HELD,
                MetricUnit.COUNT,
                coordinator.heldLeaseKeys().size());
        coordinator
                .heartbeatAge()
                .ifPresent(age ->
                        metrics.worker(MetricNames.WORKER_HEARTBEAT_AGE, MetricUnit.MILLISECONDS, age.toMillis()));
    }

    private long remaining(long deadline) {
        return Math.max(0, deadline - config.ticker().nanos());
    }

    /** {@link #shutdown(Duration)} with a 30-second timeout. */
    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /**
     * Registers a JVM shutdown hook that shuts this worker down gracefully, for the SIGTERM that ECS and Kubernetes
     * send before they stop a container. Keep {@code timeout} inside the platform's grace period.
     *
     * @return the hook, to remove with {@link Runtime#removeShutdownHook} if needed
     */
    public Thread shutdownOnJvmExit(Duration timeout) {
        Thread hook = new Thread(
                () -> {
                    log.info("worker {}: JVM is exiting, shutting down", config.workerId());
                    shutdown(timeout);
                },
                "kcl-shutdown-" + config.workerId());
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void stopThreads() {
        if (sources != null) {
            sources.close();
        }
        List<ExecutorService> executors = new ArrayList<>();
        for (ExecutorService executor : new ExecutorService[] {discoveryThread, leaseThread, pool, timer}) {
            if (executor != null) {
                executor.shutdown();
                executors.add(executor);
            }
        }
        for (ExecutorService executor : executors) {
            try {
                if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(
                    runnable, prefix + (prefix.startsWith("kcl-processor") ? "-" + count.incrementAndGet() : ""));
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "Worker[" + config.workerId() + " " + config.applicationName() + "/" + config.streamName() + " "
                + state() + "]";
    }

    /** The worker's settings, validated. */
    record WorkerConfig(
            String applicationName,
            String streamName,
            String workerId,
            KinesisAsyncClient kinesis,
            DynamoDbAsyncClient dynamoDb,
            RecordProcessorFactory processorFactory,
            InitialPosition initialPosition,
            LeaseConfig leases,
            Retrieval retrieval,
            ProcessorFailurePolicy failurePolicy,
            Duration shardSyncInterval,
            int processorThreads,
            Ticker ticker,
            MetricsConfig metrics,
            MetricsSink metricsSink,
            InstantSource clock,
            int parallelism) {}

    /** Builds a {@link Worker}; {@link #build()} names any field that is missing or out of range. */
    public static final class Builder {
        private String applicationName;
        private String streamName;
        private String workerId;
        private KinesisAsyncClient kinesis;
        private DynamoDbAsyncClient dynamoDb;
        private RecordProcessorFactory processorFactory;
        private InitialPosition initialPosition = InitialPosition.latest();
        private Duration failoverTime = Duration.ofSeconds(10);
        private LeaseConfig leases;
        private Retrieval retrieval = Retrieval.polling();
        private ProcessorFailurePolicy failurePolicy = ProcessorFailurePolicy.retryForever();
        private Duration shardSyncInterval = Duration.ofSeconds(60);
        private int processorThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        private Ticker ticker = Ticker.system();
        private CloudWatchAsyncClient cloudWatch;
        private MetricsConfig metrics = MetricsConfig.defaults();
        private MetricsSink metricsSink;
        private InstantSource clock = WallClock.system();
        private int parallelism = 1;

        private Builder() {}

        /**
         * Processors per shard (1-64). Default 1. Above 1 each batch is split by partition key into this many lanes,
         * each with its own processor, processed concurrently; order is kept per partition key, and kcl checkpoints
         * the low watermark of finished records itself after each batch (the lanes' checkpointers only mark records
         * finished). For processors that are slow per record; give the worker at least this many
         * {@link #processorThreads} per shard it may hold. See docs/processing.md.
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Optional. Metrics go to CloudWatch through this client (never closed by the worker). Without it, and
         * without {@link #metricsSink}, a one-line summary is logged each flush interval.
         */
        public Builder cloudWatch(CloudWatchAsyncClient cloudWatch) {
            this.cloudWatch = cloudWatch;
            return this;
        }

        /** Level, namespace and flush interval. Default {@link MetricsConfig#defaults()}: SUMMARY, every 60 s. */
        public Builder metrics(MetricsConfig metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Your own sink (Micrometer, OpenTelemetry, ...) instead of CloudWatch or the log. */
        public Builder metricsSink(MetricsSink metricsSink) {
            this.metricsSink = metricsSink;
            return this;
        }

        /** The wall clock for metric timestamps. Default: the system's. For tests. */
        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Required. Names the application; also the name of its lease table (3-255 of {@code [a-zA-Z0-9_.-]}). */
        public Builder applicationName(String applicationName) {
            this.applicationName = applicationName;
            return this;
        }

        /** Required. The stream to consume. */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /** This worker's unique name. Default: the host name and a random suffix. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /** Required. Used for reading records and listing shards; never closed by the worker. */
        public Builder kinesis(KinesisAsyncClient kinesis) {
            this.kinesis = kinesis;
            return this;
        }

        /** Required. Used for the lease table; never closed by the worker. */
        public Builder dynamoDb(DynamoDbAsyncClient dynamoDb) {
            this.dynamoDb = dynamoDb;
            return this;
        }

        /** Required. Creates a processor for each shard this worker consumes. */
        public Builder processorFactory(RecordProcessorFactory processorFactory) {
            this.processorFactory = processorFactory;
            return this;
        }

        /** Where a new application starts. Default {@link InitialPosition#latest()}, as KCL. */
        public Builder initialPosition(InitialPosition initialPosition) {
            this.initialPosition = initialPosition;
            return this;
        }

        /**
         * How long a worker that stopped heartbeating keeps its shards before others take them. Default 10 s; at
         * least 3 s. Ignored if {@link #leases(LeaseConfig)} is given.
         */
        public Builder failoverTime(Duration failoverTime) {
            this.failoverTime = failoverTime;
            return this;
        }

        /** Every lease-protocol setting (see {@link LeaseConfig}); overrides {@link #failoverTime}. */
        public Builder leases(LeaseConfig leases) {
            this.leases = leases;
            return this;
        }

        /** How records are read. Default {@link Retrieval#polling()}. */
        public Builder retrieval(Retrieval retrieval) {
            this.retrieval = retrieval;
            return this;
        }

        /** What happens when the processor throws. Default {@link ProcessorFailurePolicy#retryForever()}. */
        public Builder failurePolicy(ProcessorFailurePolicy failurePolicy) {
            this.failurePolicy = failurePolicy;
            return this;
        }

        /** How often the leader compares the stream's shards with the leases. Default 60 s. */
        public Builder shardSyncInterval(Duration shardSyncInterval) {
            this.shardSyncInterval = shardSyncInterval;
            return this;
        }

        /** Threads that run processors. Default twice the processor count, at least 4. */
        public Builder processorThreads(int processorThreads) {
            this.processorThreads = processorThreads;
            return this;
        }

        /** The monotonic clock. Default: the system's. For tests. */
        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        /**
         * Validates the settings and builds the worker.
         *
         * @throws IllegalArgumentException naming the field that is missing or out of range
         */
        public Worker build() {
            if (applicationName == null || !applicationName.matches("[a-zA-Z0-9_.-]{3,255}")) {
                throw new IllegalArgumentException("applicationName is required: 3-255 characters of [a-zA-Z0-9_.-] "
                        + "(it names the lease table), was " + quoted(applicationName));
            }
            if (streamName == null || !streamName.matches("[a-zA-Z0-9_.-]{1,128}")) {
                throw new IllegalArgumentException(
                        "streamName is required: 1-128 characters of [a-zA-Z0-9_.-], was " + quoted(streamName));
            }
            if (kinesis == null) {
                throw new IllegalArgumentException("kinesis is required: a KinesisAsyncClient");
            }
            if (dynamoDb == null) {
                throw new IllegalArgumentException("dynamoDb is required: a DynamoDbAsyncClient");
            }
            if (processorFactory == null) {
                throw new IllegalArgumentException("processorFactory is required: shardId -> new YourProcessor()");
            }
            require(initialPosition != null, "initialPosition must not be null");
            require(retrieval != null, "retrieval must not be null: Retrieval.polling() or FanOut.retrieval(name)");
            require(failurePolicy != null, "failurePolicy must not be null");
            require(ticker != null, "ticker must not be null");
            require(
                    shardSyncInterval != null && shardSyncInterval.compareTo(Duration.ofSeconds(1)) >= 0,
                    "shardSyncInterval must be at least 1 s, was " + shardSyncInterval);
            require(processorThreads >= 1, "processorThreads must be at least 1, was " + processorThreads);
            LeaseConfig leaseConfig = leases;
            if (leaseConfig == null) {
                require(
                        failoverTime != null && failoverTime.compareTo(Duration.ofSeconds(3)) >= 0,
                        "failoverTime must be at least 3 s, was " + failoverTime);
                leaseConfig = LeaseConfig.builder().failoverTime(failoverTime).build();
            }
            String id = workerId != null ? workerId : defaultWorkerId();
            require(!id.isBlank() && !id.contains(":"), "workerId must be non-blank without ':', was " + quoted(id));
            require(metrics != null, "metrics must not be null");
            require(clock != null, "clock must not be null");
            require(parallelism >= 1 && parallelism <= 64, "parallelism must be 1-64, was " + parallelism);
            MetricsSink sink = metricsSink != null
                    ? metricsSink
                    : metrics.level() == MetricsLevel.NONE
                            ? MetricsSink.noop()
                            : cloudWatch != null
                                    ? new CloudWatchMetricsSink(
                                            cloudWatch,
                                            metrics,
                                            java.util.Map.of(MetricNames.APPLICATION, applicationName),
                                            clock)
                                    : new LoggingMetricsSink();
            return new Worker(new WorkerConfig(
                    applicationName,
                    streamName,
                    id,
                    kinesis,
                    dynamoDb,
                    processorFactory,
                    initialPosition,
                    leaseConfig,
                    retrieval,
                    failurePolicy,
                    shardSyncInterval,
                    processorThreads,
                    ticker,
                    metrics,
                    sink,
                    clock,
                    parallelism));
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }

        private static String quoted(String value) {
            return value == null ? "null" : "'" + value + "'";
        }

        private static String defaultWorkerId() {
            String host = System.getenv("HOSTNAME");
            if (host == null || host.isBlank()) {
                try {
                    host = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException e) {
                    host = "worker";
                }
            }
            return host.replace(':', '-') + "-"
                    + Long.toHexString(
                            java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
        }
    }
}
