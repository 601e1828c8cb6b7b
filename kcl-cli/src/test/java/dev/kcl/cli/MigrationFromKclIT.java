package dev.kcl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.KinesisRecord;
import dev.kcl.Worker;
import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.Eventually;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.CoordinatorConfig;
import software.amazon.kinesis.coordinator.FastStartScheduler;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsConfig;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * An application moves from AWS's Kinesis Client Library to kcl: the real KCL (3.5.1, in its 2.x-compatible mode and in
 * its 3.x mode) processes part of a stream and checkpoints part of what it processed, then stops; a kcl worker with the
 * same application name resumes from KCL's checkpoints and delivers nothing at or before them.
 */
@KclStack
class MigrationFromKclIT {
    private static final Logger log = LoggerFactory.getLogger(MigrationFromKclIT.class);
    private static final String KCL_WORKER = "aws-kcl-worker";

    private final AwsStack stack;
    private final StreamAdmin admin;
    private TestNames names;

    MigrationFromKclIT(AwsStack stack) {
        this.stack = stack;
        this.admin = StreamAdmin.of(stack.kinesisHttp1());
    }

    @BeforeEach
    void names(TestNames names) {
        this.names = names; // one set per test: streams and tables are not shared between tests
    }

    @Test
    void aKcl2xStyleLeaseTable() throws Exception {
        migrate(CoordinatorConfig.ClientVersionConfig.CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X_PHASE1);
    }

    @Test
    void aKcl3xLeaseTable() throws Exception {
        migrate(CoordinatorConfig.ClientVersionConfig.CLIENT_VERSION_CONFIG_3X);
    }

    private void migrate(CoordinatorConfig.ClientVersionConfig version) throws Exception {
        admin.create(names.streamName(), 2);
        List<PutRecordsResultEntry> first = put("a", 20);

        // 1. AWS's KCL processes the first 20 records, checkpointing only up to the last of a0..a9 on each shard
        Set<String> seenByKcl = ConcurrentHashMap.newKeySet();
        Scheduler kcl = awsKcl(version, seenByKcl);
        Thread thread = new Thread(kcl, "aws-kcl");
        long started = System.nanoTime();
        thread.start();
        Map<String, String> expectedCheckpoints = first.stream()
                .filter(r -> index(first, r) < 10)
                .collect(Collectors.toMap(
                        PutRecordsResultEntry::shardId,
                        PutRecordsResultEntry::sequenceNumber,
                        (x, y) -> new BigInteger(x).compareTo(new BigInteger(y)) > 0 ? x : y));
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
        try {
            Eventually.await(
                    Duration.ofSeconds(150),
                    () -> seenByKcl.size() == 20 && checkpoints(table).equals(expectedCheckpoints),
                    () -> "KCL saw " + seenByKcl.size() + ", checkpoints "
                            + (table.exists() ? checkpoints(table) : "(no table yet)"));
            log.info(
                    "{}: KCL processed 20 records and checkpointed in {} s",
                    version,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        } finally {
            try {
                kcl.startGracefulShutdown().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("KCL did not shut down gracefully within 60 s; shutting it down", e);
                kcl.shutdown();
            }
            thread.join(30_000);
        }
        assertThat(table.listLeases())
                .allSatisfy(lease -> assertThat(lease.owner()).contains(KCL_WORKER));

        // 2. more records arrive while nothing runs; then a kcl worker starts with the same application name
        List<PutRecordsResultEntry> second = put("b", 20);
        CommandsIT.Recorder recorder = new CommandsIT.Recorder();
        Worker worker = Worker.builder()
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .streamName(names.streamName())
                .applicationName(names.applicationName())
                .workerId("kcl-worker")
                .failoverTime(Duration.ofSeconds(3))
                .initialPosition(InitialPosition.trimHorizon())
                .processorFactory(recorder)
                .build();
        Set<String> expected = IntStream.range(10, 20).mapToObj(i -> "a" + i).collect(Collectors.toSet());
        second.forEach(r -> expected.add("b" + index(second, r)));
        // what lies after KCL's checkpoint on each shard: a10..a19 and every b
        try {
            worker.start();
            Eventually.await(
                    Duration.ofSeconds(60),
                    () -> recorder.data().containsAll(expected),
                    () -> "kcl delivered " + recorder.data());

            // 3. nothing at or before KCL's checkpoints is delivered again, and nothing twice
            assertThat(recorder.data()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(recorder.count()).isEqualTo(expected.size());
            for (Map.Entry<String, String> checkpoint : expectedCheckpoints.entrySet()) {
                assertThat(recorder.byShard.get(checkpoint.getKey()))
                        .extracting(KinesisRecord::sequenceNumber)
                        .allSatisfy(seq ->
                                assertThat(new BigInteger(seq)).isGreaterThan(new BigInteger(checkpoint.getValue())));
            }

            // and the command-line tool reads the migrated table, KCL's own items included
            Run describe = Run.kcl(stack, "describe", "--app", names.applicationName(), "--stream", names.streamName());
            assertThat(describe.status()).as(describe.err()).isZero();
            assertThat(describe.out()).contains("kcl-worker", "reading");
        } finally {
            worker.shutdown(Duration.ofSeconds(10));
        }
    }

    private Map<String, String> checkpoints(DynamoDbLeaseTable table) {
        return table.listLeases().stream()
                .filter(l -> l.checkpoint().isPresent()
                        && !l.checkpoint().get().sequenceNumber().equals("TRIM_HORIZON"))
                .collect(Collectors.toMap(
                        Lease::leaseKey,
                        l -> l.checkpoint()
                                .map(StoredCheckpoint::sequenceNumber)
                                .orElseThrow()));
    }

    private static int index(List<PutRecordsResultEntry> results, PutRecordsResultEntry entry) {
        return results.indexOf(entry);
    }

    private List<PutRecordsResultEntry> put(String prefix, int count) {
        return admin.put(
                names.streamName(),
                IntStream.range(0, count)
                        .mapToObj(i -> PutRecordsRequestEntry.builder()
                                .partitionKey(prefix + i)
                                .data(SdkBytes.fromUtf8String(prefix + i))
                                .build())
                        .toList());
    }

    /** AWS's KCL, configured to start and hand over leases in seconds rather than minutes. */
    private Scheduler awsKcl(CoordinatorConfig.ClientVersionConfig version, Set<String> seen) {
        ConfigsBuilder configs = new ConfigsBuilder(
                new SingleStreamTracker(
                        names.streamName(),
                        InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                names.applicationName(),
                stack.kinesisHttp1(),
                stack.dynamoDb(),
                stack.cloudWatch(),
                KCL_WORKER,
                () -> new CheckpointingPartOfEachBatch(seen));
        LeaseManagementConfig leases = configs.leaseManagementConfig()
                .failoverTimeMillis(3_000)
                .shardSyncIntervalMillis(1_000) // a shard sync sleeps this long after it ran, start-up included
                .leaseAssignmentIntervalMillis(1_000L)
                .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(1_000)
                .dynamoDbLockBasedLeaderLeaseDurationInMillis(3_000);
        leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true);
        CoordinatorConfig coordinator = configs.coordinatorConfig()
                .clientVersionConfig(version)
                .shardConsumerDispatchPollIntervalMillis(100)
                .parentShardPollIntervalMillis(200);
        MetricsConfig metrics = configs.metricsConfig().metricsFactory(new NullMetricsFactory());
        RetrievalConfig retrieval = configs.retrievalConfig()
                .retrievalSpecificConfig(
                        new PollingConfig(names.streamName(), stack.kinesisHttp1()).idleTimeBetweenReadsInMillis(200));
        return new FastStartScheduler(
                configs.checkpointConfig(),
                coordinator,
                leases,
                configs.lifecycleConfig(),
                metrics,
                configs.processorConfig(),
                retrieval);
    }

    /** A KCL processor that sees every record but checkpoints only up to the last one numbered below 10. */
    private static final class CheckpointingPartOfEachBatch implements ShardRecordProcessor {
        private final Set<String> seen;

        CheckpointingPartOfEachBatch(Set<String> seen) {
            this.seen = seen;
        }

        @Override
        public void initialize(InitializationInput input) {}

        @Override
        public void processRecords(ProcessRecordsInput input) {
            KinesisClientRecord last = null;
            for (KinesisClientRecord record : input.records()) {
                String data = StandardCharsets.UTF_8.decode(record.data()).toString();
                seen.add(data);
                if (Integer.parseInt(data.substring(1)) < 10) {
                    last = record;
                }
            }
            if (last != null) {
                try {
                    input.checkpointer().checkpoint(last.sequenceNumber(), last.subSequenceNumber());
                } catch (KinesisClientLibException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {}

        @Override
        public void shardEnded(ShardEndedInput input) {}

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {}
    }
}
