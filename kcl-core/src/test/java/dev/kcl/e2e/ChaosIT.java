package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.FaultProxy;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Worker JVMs behind fault proxies, under load, while a supervisor kills them with SIGKILL, pauses them with SIGSTOP
 * past the failover time, cuts them off from DynamoDB, starts new ones and reshards the stream, at random. Then the
 * verifier: every record delivered, first deliveries per shard in sequence order, checkpoints never backwards.
 *
 * <p>CI runs the short profile (60 s of faults). The long one: {@code ./mvnw -pl kcl-core verify -Dit.test=ChaosIT
 * -Dtest=NONE -Dkcl.chaos.seconds=1800}; {@code -Dkcl.chaos.seed=N} replays a run's choices.
 */
@KclStack
class ChaosIT {
    private static final Logger log = LoggerFactory.getLogger(ChaosIT.class);
    private static final int FAILOVER_SECONDS = 3;

    /** Ledgers and worker logs, kept under target/ to look at after a failed run. */
    private Path dir;

    private final Map<String, Running> workers = new LinkedHashMap<>();
    private final Map<String, StoredCheckpoint> lastCheckpoints = new HashMap<>();
    private int started;

    /** A worker JVM and the proxies its clients go through. */
    private record Running(String id, Process process, FaultProxy kinesis, FaultProxy dynamoDb) {
        void stop() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kinesis.close();
            dynamoDb.close();
        }
    }

    private void startWorker(AwsStack stack, TestNames names) throws IOException {
        String id = "w" + (++started);
        FaultProxy kinesis = FaultProxy.start("kinesis-" + id, stack.kinesisPlainEndpoint());
        FaultProxy dynamoDb = FaultProxy.start("dynamodb-" + id, stack.dynamoDbEndpoint());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Xmx192m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        WorkerProcess.class.getName(),
                        kinesis.endpoint().toString(),
                        dynamoDb.endpoint().toString(),
                        names.streamName(),
                        names.applicationName(),
                        id,
                        dir.resolve(id + ".ledger").toString(),
                        Integer.toString(FAILOVER_SECONDS))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start();
        workers.put(id, new Running(id, process, kinesis, dynamoDb));
    }

    /** Reads every lease and fails if a checkpoint moved backwards since the last look. */
    private void checkCheckpoints(DynamoDbLeaseTable table) {
        for (Lease lease : table.listLeases()) {
            lease.checkpoint().ifPresent(now -> {
                StoredCheckpoint before = lastCheckpoints.put(lease.leaseKey(), now);
                if (before != null) {
                    assertThat(rank(now))
                            .as("checkpoint of %s went from %s to %s", lease.leaseKey(), before, now)
                            .isGreaterThanOrEqualTo(rank(before));
                }
            });
        }
    }

    /** Orders checkpoints: the start sentinels, then sequence numbers (and sub-sequence), then SHARD_END. */
    private static BigInteger rank(StoredCheckpoint checkpoint) {
        return switch (checkpoint.sequenceNumber()) {
            case "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP" -> BigInteger.valueOf(-1);
            case StoredCheckpoint.SHARD_END -> BigInteger.TWO.pow(400);
            default ->
                new BigInteger(checkpoint.sequenceNumber())
                        .shiftLeft(20)
                        .add(BigInteger.valueOf(checkpoint.subSequenceNumber()));
        };
    }

    private static List<Shard> openShards(StreamAdmin admin, String stream) {
        return admin.shards(stream).stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .sorted(Comparator.comparing(
                        s -> new BigInteger(s.hashKeyRange().startingHashKey())))
                .toList();
    }

    @Test
    void nothingIsLostWhileWorkersAreKilledPausedAndCutOffAndTheStreamIsResharded(AwsStack stack, TestNames names)
            throws Exception {
        long seconds = Long.getLong("kcl.chaos.seconds", 60);
        long seed = Long.getLong("kcl.chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        dir = Files.createDirectories(Path.of("target", "chaos", names.applicationName()));
        log.info("chaos run: {} s, seed {}, ledgers and logs in {}", seconds, seed, dir.toAbsolutePath());
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 4);
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
        table.ensureExists();
        int kills = 0;
        int pauses = 0;
        int partitions = 0;
        int reshards = 0;
        int produced;
        try {
            for (int i = 0; i < 3; i++) {
                startWorker(stack, names);
            }
            try (Producer producer = new Producer(admin, names.streamName(), 20, 100)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < end) {
                    Thread.sleep(2_000 + random.nextInt(3_000));
                    checkCheckpoints(table);
                    List<Running> live = new ArrayList<>(workers.values());
                    Running victim = live.get(random.nextInt(live.size()));
                    switch (random.nextInt(4)) {
                        case 0 -> { // crash, and a replacement joins
                            log.info("chaos: kill -9 {}", victim.id());
                            victim.stop();
                            workers.remove(victim.id());
                            startWorker(stack, names);
                            kills++;
                        }
                        case 1 -> { // a pause longer than the failover time
                            log.info("chaos: SIGSTOP {}", victim.id());
                            signal(victim.process(), "STOP");
                            Thread.sleep(TimeUnit.SECONDS.toMillis(FAILOVER_SECONDS) + 1_000 + random.nextInt(2_000));
                            signal(victim.process(), "CONT");
                            pauses++;
                        }
                        case 2 -> { // cut off from DynamoDB (or Kinesis) for a while
                            boolean fromDynamoDb = random.nextBoolean();
                            log.info("chaos: partition {} from {}", victim.id(), fromDynamoDb ? "DynamoDB" : "Kinesis");
                            FaultProxy proxy = fromDynamoDb ? victim.dynamoDb() : victim.kinesis();
                            proxy.blackHole();
                            Thread.sleep(2_000 + random.nextInt(4_000));
                            proxy.heal();
                            partitions++;
                        }
                        default -> {
                            List<Shard> open = openShards(admin, names.streamName());
                            int how = random.nextInt(3);
                            if (how == 0) { // UpdateShardCount, uniform scaling: one shard more, or one fewer
                                int target = open.size() < 6 ? open.size() + 1 : open.size() - 1;
                                log.info("chaos: update shard count {} -> {}", open.size(), target);
                                admin.updateShardCount(names.streamName(), target);
                            } else if (open.size() < 6) {
                                Shard shard = open.get(random.nextInt(open.size()));
                                log.info("chaos: split {}", shard.shardId());
                                admin.split(names.streamName(), shard.shardId());
                            } else {
                                int at = random.nextInt(open.size() - 1);
                                log.info(
                                        "chaos: merge {} and {}",
                                        open.get(at).shardId(),
                                        open.get(at + 1).shardId());
                                admin.merge(
                                        names.streamName(),
                                        open.get(at).shardId(),
                                        open.get(at + 1).shardId());
                            }
                            reshards++;
                        }
                    }
                }
                producer.stop();
                produced = producer.produced();
            }

            // Every record reaches some worker
            int total = produced;
            await(
                    Duration.ofSeconds(120),
                    () -> {
                        return DeliveryAudit.read(dir).distinctData().size() >= total;
                    },
                    () -> "not every record delivered (seed " + seed + "); leases: "
                            + table.listLeases().stream()
                                    .map(l -> l.leaseKey() + "=" + l.owner().orElse("-") + "@"
                                            + l.checkpoint()
                                                    .map(StoredCheckpoint::sequenceNumber)
                                                    .orElse("?"))
                                    .toList());
            checkCheckpoints(table);
        } finally {
            workers.values().forEach(Running::stop);
        }

        DeliveryAudit audit = DeliveryAudit.read(dir);
        Set<String> delivered = audit.distinctData();
        List<String> lost = IntStream.range(0, produced)
                .mapToObj(i -> "record-" + i)
                .filter(r -> !delivered.contains(r))
                .toList();
        assertThat(lost).as("lost records, seed %d", seed).isEmpty();
        assertThat(audit.outOfOrder())
                .as("first deliveries out of sequence order, seed %d", seed)
                .isEmpty();
        assertThat(audit.checkpointedTwice())
                .as(
                        "records whose checkpoint succeeded in two batches (fencing let a stale owner write), seed %d",
                        seed)
                .isEmpty();

        // Every duplicate comes from a batch whose checkpoint did not happen: a killed worker's uncheckpointed tail,
        // a batch whose checkpoint fencing refused (a paused or cut-off worker's), or one whose checkpoint failed
        Map<DeliveryAudit.Outcome, Integer> causes = audit.duplicatesByCause();
        int extra = causes.values().stream().mapToInt(Integer::intValue).sum();
        double duplicates = 100.0 * extra / Math.max(1, delivered.size());
        log.info(
                "CHAOS records={} kills={} pauses={} partitions={} reshards={} lost=0 duplicates={}% ({}) seed={}",
                produced,
                kills,
                pauses,
                partitions,
                reshards,
                String.format("%.2f", duplicates),
                causes.entrySet().stream()
                        .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + e.getValue())
                        .collect(Collectors.joining(" ")),
                seed);
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -" + signal)
                .isTrue();
    }
}
