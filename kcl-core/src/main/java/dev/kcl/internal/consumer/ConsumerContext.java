package dev.kcl.internal.consumer;

import dev.kcl.ProcessorFailurePolicy;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.internal.kpl.Deaggregator;
import dev.kcl.internal.metrics.Metrics;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseTable;
import dev.kcl.spi.RecordSourceFactory;
import dev.kcl.time.Backoff;
import dev.kcl.time.Sleeper;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What every shard consumer of a worker shares. */
public record ConsumerContext(
        RecordProcessorFactory processors,
        RecordSourceFactory sources,
        LeaseCoordinator coordinator,
        LeaseTable table,
        ParentGate parents,
        ProcessorFailurePolicy failurePolicy,
        Backoff checkpointBackoff,
        Sleeper sleeper,
        Deaggregator deaggregator,
        Optional<Instant> initialTimestamp,
        Executor pool,
        TaskScheduler timer,
        Metrics metrics,
        Ticker ticker,
        String streamName,
        java.time.InstantSource clock,
        int parallelism) {}
