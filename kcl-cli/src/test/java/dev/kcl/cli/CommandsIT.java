package dev.kcl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.InitializationInput;
import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.Worker;
import dev.kcl.leases.Heartbeat;
import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.Eventually;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Each command against a real local Kinesis and DynamoDB, with real workers where the command meets them. */
@KclStack
class CommandsIT {
    /** Long enough that a slow moment of the local stack does not cost a worker its leases (and a redelivery). */
    private static final Duration FAILOVER = Duration.ofSeconds(10);

    private final AwsStack stack;
    private final StreamAdmin admin;
    private TestNames names;
    private final List<Worker> workers = new ArrayList<>();

    CommandsIT(AwsStack stack) {
        this.stack = stack;
        this.admin = StreamAdmin.of(stack.kinesisHttp1());
    }

    @BeforeEach
    void names(TestNames names) {
        this.names = names; // one set per test: streams and tables are not shared between tests
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(w -> w.shutdown(Duration.ofSeconds(10)));
    }

    private Run kcl(String... args) {
        return Run.kcl(stack, args);
    }

    /** Records what a worker's processors see. */
    static final class Recorder implements RecordProcessorFactory {
        final Map<String, List<KinesisRecord>> byShard = new ConcurrentHashMap<>();
        final Set<String> initialized = ConcurrentHashMap.newKeySet();

        @Override
        public RecordProcessor create(String shardId) {
            return new RecordProcessor() {
                @Override
                public void initialize(InitializationInput input) {
                    initialized.add(shardId);
                }

                @Override
                public void processRecords(ProcessRecordsInput input) {
                    byShard.computeIfAbsent(shardId, k -> new CopyOnWriteArrayList<>())
                            .addAll(input.records());
                    input.checkpointer().checkpoint();
                }

                @Override
                public void shardEnded(ShardEndedInput input) {
                    input.checkpointer().checkpoint();
                }

                @Override
                public void shutdownRequested(ShutdownRequestedInput input) {
                    input.checkpointer().checkpoint();
                }
            };
        }

        Set<String> data() {
            return byShard.values().stream()
                    .flatMap(List::stream)
                    .map(KinesisRecord::dataAsString)
                    .collect(Collectors.toSet());
        }

        int count() {
            return byShard.values().stream().mapToInt(List::size).sum();
        }
    }

    private Worker start(String id, Recorder recorder, Duration failover) {
        return start(
                id,
                recorder,
                dev.kcl.leases.LeaseConfig.builder().failoverTime(failover).build());
    }

    private Worker start(String id, Recorder recorder, dev.kcl.leases.LeaseConfig leases) {
        Worker worker = Worker.builder()
                .kinesis(stack.kinesisHttp1())
                .dynamoDb(stack.dynamoDb())
                .streamName(names.streamName())
                .applicationName(names.applicationName())
                .workerId(id)
                .leases(leases)
                .initialPosition(InitialPosition.trimHorizon())
                .processorFactory(recorder)
                .build();
        worker.start();
        workers.add(worker);
        return worker;
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

    private DynamoDbLeaseTable table() {
        return DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
    }

    private Map<String, Long> owners() {
        return table().listLeases().stream()
                .collect(Collectors.groupingBy(l -> l.owner().orElse("-"), Collectors.counting()));
    }

    private static void await(
            Duration limit, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> state) {
        Eventually.await(limit, condition, state);
    }

    @Test
    void describeShowsEachShardAndTheWorkersAndWorkersListsThem() {
        admin.create(names.streamName(), 4);
        put("r", 40);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        start("a", a, FAILOVER);
        start("b", b, FAILOVER);
        await(
                Duration.ofSeconds(60),
                () -> owners().equals(Map.of("a", 2L, "b", 2L))
                        && a.data().size() + b.data().size() >= 40
                        && table().listLeases().stream()
                                .allMatch(l -> l.handoffTo().isEmpty()
                                        && l.checkpoint()
                                                .orElseThrow()
                                                .sequenceNumber()
                                                .matches("[0-9]+")),
                () -> "leases " + table().listLeases());

        Run describe = kcl("describe", "--app", names.applicationName(), "--stream", names.streamName(), "--json");

        assertThat(describe.status()).as(describe.err()).isZero();
        JsonNode json = describe.json();
        List<JsonNode> shards = json.field("shards").orElseThrow().asArray();
        assertThat(shards).hasSize(4);
        assertThat(shards).allSatisfy(shard -> {
            assertThat(text(shard, "state")).isEqualTo("reading");
            assertThat(text(shard, "owner")).isIn("a", "b");
            assertThat(text(shard, "checkpoint")).matches("[0-9]+");
            assertThat(Long.parseLong(shard.field("lagMillis").orElseThrow().asNumber()))
                    .isGreaterThanOrEqualTo(0);
        });
        assertThat(text(json.field("leader").orElseThrow(), "workerId")).isIn("a", "b");
        List<JsonNode> listed = json.field("workers").orElseThrow().asArray();
        assertThat(listed).extracting(w -> text(w, "workerId")).containsExactly("a", "b");
        assertThat(listed).allSatisfy(w -> {
            assertThat(text(w, "state")).isEqualTo("alive");
            assertThat(w.field("leases").orElseThrow().asNumber()).isEqualTo("2");
            assertThat(Long.parseLong(
                            w.field("heartbeatAgeMillis").orElseThrow().asNumber()))
                    .isLessThan(FAILOVER.toMillis());
        });

        Run table = kcl("describe", "--app", names.applicationName(), "--stream", names.streamName());
        assertThat(table.status()).isZero();
        org.slf4j.LoggerFactory.getLogger(CommandsIT.class).info("kcl describe printed:\n{}", table.out());
        assertThat(table.out())
                .contains("SHARD", "STATE", "OWNER", "CHECKPOINT", "LAG", "reading", "alive", "shardId-000000000003");

        Run listing = kcl("workers", "--app", names.applicationName());
        assertThat(listing.status()).isZero();
        assertThat(listing.out()).containsPattern("(?m)^a +alive .* 2( |$)").containsPattern("(?m)^b +alive .* 2( |$)");
    }

    @Test
    void resetRefusesWhileWorkersRunAndOnceTheyStopReplaysFromTheTrimHorizon() {
        admin.create(names.streamName(), 2);
        put("r", 30);
        Recorder first = new Recorder();
        Worker a = start("a", first, FAILOVER);
        await(
                Duration.ofSeconds(60),
                () -> first.data().size() == 30,
                () -> first.data().size() + " delivered");
        String[] reset = {
            "reset", "--app", names.applicationName(), "--stream", names.streamName(), "--to", "trim-horizon"
        };

        Run refused = kcl(reset);
        assertThat(refused.status()).isEqualTo(CliException.REFUSED);
        assertThat(refused.err()).contains("a (alive", "--force");

        List<Lease> before = table().listLeases();
        Run dryRun = kcl(append(reset, "--dry-run"));
        assertThat(dryRun.status()).isZero();
        assertThat(dryRun.out()).contains("dry run, nothing written", "would reset");
        assertThat(table().listLeases()).containsExactlyInAnyOrderElementsOf(before);

        assertThat(a.shutdown(Duration.ofSeconds(10))).isTrue();
        Run done = kcl(append(reset, "--json"));
        assertThat(done.status()).as(done.err()).isZero();
        assertThat(done.json().field("changes").orElseThrow().asArray())
                .extracting(c -> text(c, "result"))
                .containsOnly("reset");
        assertThat(table().listLeases()).allSatisfy(lease -> {
            assertThat(lease.owner()).isEmpty();
            assertThat(lease.checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        });

        Recorder again = new Recorder();
        start("a2", again, FAILOVER);
        await(
                Duration.ofSeconds(60),
                () -> again.data().size() == 30,
                () -> again.data().size() + " delivered");
        assertThat(again.count()).isEqualTo(30);
    }

    @Test
    void resetToATimestampStartsEveryShardAtThatTime() throws Exception {
        admin.create(names.streamName(), 2);
        put("early", 20);
        Thread.sleep(200); // arrival times are in milliseconds: leave a clear gap on both sides of the reset time
        Instant between = Instant.now();
        Thread.sleep(200);
        put("late", 20);
        Recorder first = new Recorder();
        Worker a = start("a", first, FAILOVER);
        await(
                Duration.ofSeconds(60),
                () -> first.data().size() == 40,
                () -> first.data().size() + " delivered");
        assertThat(a.shutdown(Duration.ofSeconds(10))).isTrue();

        Run reset = kcl(
                "reset",
                "--app",
                names.applicationName(),
                "--stream",
                names.streamName(),
                "--to",
                "timestamp=" + between.atOffset(ZoneOffset.ofHours(1)));
        assertThat(reset.status()).as(reset.err()).isZero();
        assertThat(table().listLeases())
                .allSatisfy(lease -> assertThat(lease.checkpoint()).contains(StoredCheckpoint.atTimestamp(between)));

        Recorder again = new Recorder();
        start("a2", again, FAILOVER);
        await(
                Duration.ofSeconds(60),
                () -> again.data().size() == 20,
                () -> again.data().size() + " delivered");
        assertThat(again.data()).allMatch(data -> data.startsWith("late"));
        Run describe = kcl("describe", "--app", names.applicationName(), "--stream", names.streamName(), "--json");
        assertThat(describe.json().field("shards").orElseThrow().asArray())
                .allSatisfy(shard -> assertThat(text(shard, "checkpoint")).matches("[0-9]+"));
    }

    @Test
    void aForcedResetOfOneShardToASequenceNumberRedeliversWhatFollowsIt() {
        admin.create(names.streamName(), 2);
        List<PutRecordsResultEntry> written = put("r", 30);
        Recorder recorder = new Recorder();
        start("a", recorder, FAILOVER);
        await(Duration.ofSeconds(60), () -> recorder.count() == 30, () -> recorder.count() + " delivered");
        String shard = written.get(0).shardId();
        List<String> onShard = written.stream()
                .filter(r -> r.shardId().equals(shard))
                .map(PutRecordsResultEntry::sequenceNumber)
                .toList();
        String third = onShard.get(2);
        String[] reset = {
            "reset",
            "--app",
            names.applicationName(),
            "--stream",
            names.streamName(),
            "--to",
            "sequence=" + third,
            "--shard",
            shard
        };

        assertThat(kcl(reset).status()).isEqualTo(CliException.REFUSED);
        Run forced = kcl(append(reset, "--force"));

        assertThat(forced.status()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("reset, taken from a");
        int expected = 30 + onShard.size() - 3;
        await(Duration.ofSeconds(60), () -> recorder.count() >= expected, () -> recorder.count() + " delivered");
        List<String> redelivered = recorder.byShard.get(shard).stream()
                .skip(onShard.size())
                .map(KinesisRecord::sequenceNumber)
                .toList();
        assertThat(redelivered).containsExactlyElementsOf(onShard.subList(3, onShard.size()));
    }

    @Test
    void releaseHandsAGoneWorkersLeasesOnWithoutWaitingForTheFailoverTime() {
        admin.create(names.streamName(), 2);
        DynamoDbLeaseTable table = table();
        table.ensureExists();
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
            table.create(Lease.create(shard, StoredCheckpoint.of("TRIM_HORIZON"), Set.of()).toBuilder()
                    .owner(Optional.of("ghost"))
                    .counter(1)
                    .build());
        }
        // a worker whose last heartbeat was five minutes ago, with a failover time of 10 s
        DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .clock(Clock.fixed(Instant.now().minus(Duration.ofMinutes(5)), ZoneOffset.UTC))
                .failoverTime(Duration.ofSeconds(10))
                .build()
                .heartbeat(new Heartbeat("ghost", 7, false));
        put("r", 10);
        Recorder recorder = new Recorder();
        // b would wait a minute before it took a silent worker's leases; its leader scans every second
        start(
                "b",
                recorder,
                dev.kcl.leases.LeaseConfig.builder()
                        .failoverTime(Duration.ofSeconds(60))
                        .leaseScanInterval(Duration.ofSeconds(1))
                        .build());

        Run listing = kcl("workers", "--app", names.applicationName(), "--json");
        JsonNode ghost = listing.json().field("workers").orElseThrow().asArray().stream()
                .filter(w -> text(w, "workerId").equals("ghost"))
                .findFirst()
                .orElseThrow();
        assertThat(text(ghost, "state")).isEqualTo("gone");
        assertThat(ghost.field("leases").orElseThrow().asNumber()).isEqualTo("2");

        Run release = kcl("release", "--app", names.applicationName(), "--worker", "ghost");

        assertThat(release.status()).as(release.err()).isZero();
        assertThat(release.out()).contains("ghost is not running", "released");
        await(Duration.ofSeconds(45), () -> recorder.count() == 10, () -> "owners " + owners());
        assertThat(owners()).isEqualTo(Map.of("b", 2L));
    }

    @Test
    void releaseOfARunningWorkerHandsItsLeasesToTheOthersGracefully() {
        admin.create(names.streamName(), 4);
        put("r", 20);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        start("a", a, FAILOVER);
        start("b", b, FAILOVER);
        await(Duration.ofSeconds(60), () -> owners().equals(Map.of("a", 2L, "b", 2L)), () -> "owners " + owners());
        Set<String> heldByA = table().listLeases().stream()
                .filter(l -> l.isOwnedBy("a"))
                .map(Lease::leaseKey)
                .collect(Collectors.toSet());

        Run release = kcl("release", "--app", names.applicationName(), "--worker", "a", "--json");

        assertThat(release.status()).as(release.err()).isZero();
        assertThat(release.json().field("leases").orElseThrow().asArray())
                .extracting(l -> text(l, "result"))
                .containsOnly("handing off to b");
        await(Duration.ofSeconds(20), () -> b.initialized.containsAll(heldByA), () -> "b has " + b.initialized);
    }

    @Test
    void errorsNameWhatIsMissingOrWrong() {
        Run noTable = kcl("describe", "--app", "no-such-app", "--stream", names.streamName());
        assertThat(noTable.status()).isEqualTo(CliException.FAILED);
        assertThat(noTable.err()).contains("no lease table 'no-such-app'");

        admin.create(names.streamName(), 1);
        table().ensureExists();
        Run noStream = kcl("describe", "--app", names.applicationName(), "--stream", "no-such-stream");
        assertThat(noStream.status()).isEqualTo(CliException.FAILED);
        assertThat(noStream.err()).contains("no stream 'no-such-stream'");

        Run noShard = kcl(
                "reset",
                "--app",
                names.applicationName(),
                "--stream",
                names.streamName(),
                "--to",
                "latest",
                "--shard",
                "shardId-000000000042");
        assertThat(noShard.status()).isEqualTo(CliException.FAILED);
        assertThat(noShard.err()).contains("no shard shardId-000000000042");

        Run badSequence = kcl(
                "reset",
                "--app",
                names.applicationName(),
                "--stream",
                names.streamName(),
                "--to",
                "sequence=1",
                "--shard",
                "shardId-000000000000");
        assertThat(badSequence.status()).isEqualTo(CliException.FAILED);
        assertThat(badSequence.err()).contains("sequence number 1");
    }

    private static String text(JsonNode node, String field) {
        return node.field(field).map(JsonNode::text).orElse(null);
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
