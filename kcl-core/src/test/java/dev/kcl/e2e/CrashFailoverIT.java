package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.leases.Lease;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two workers in separate JVMs share 8 shards; one is killed with SIGKILL, or paused with SIGSTOP past the failover
 * time and resumed, while records keep coming.
 */
@KclStack
class CrashFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(CrashFailoverIT.class);
    private static final int FAILOVER_SECONDS = 10;

    /** Ledgers, checkpoint journals and worker logs, kept under target/ for a look after a failure. */
    private Path dir;

    @BeforeEach
    void workDirectory(TestNames names) throws IOException {
        dir = Files.createDirectories(Path.of("target", "crash-failover", names.applicationName()));
    }

    private Process startWorker(AwsStack stack, TestNames names, String id) throws IOException {
        return startWorker(stack, names, id, FAILOVER_SECONDS, 0);
    }

    private Process startWorker(AwsStack stack, TestNames names, String id, int failoverSeconds, int batchMillis)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        WorkerProcess.class.getName(),
                        stack.kinesisPlainEndpoint().toString(),
                        stack.dynamoDbEndpoint().toString(),
                        names.streamName(),
                        names.applicationName(),
                        id,
                        dir.resolve(id + ".ledger").toString(),
                        Integer.toString(failoverSeconds),
                        Integer.toString(batchMillis))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start();
    }

    /** Creates the stream with {@code shards} shards and the application's lease table. */
    private static DynamoDbLeaseTable streamAndTable(AwsStack stack, TestNames names, StreamAdmin admin, int shards) {
        admin.create(names.streamName(), shards);
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
        table.ensureExists();
        return table;
    }

    /** Waits until a and b own {@code perWorker} leases each and each has delivered more than {@code records}. */
    private void awaitBalancedAndDelivering(DynamoDbLeaseTable table, long perWorker, int records) {
        await(
                Duration.ofSeconds(90),
                () -> {
                    Map<String, Long> owners = owners(table);
                    return owners.getOrDefault("a", 0L) == perWorker && owners.getOrDefault("b", 0L) == perWorker;
                },
                () -> "owners " + owners(table));
        await(
                Duration.ofSeconds(30),
                () -> ledger("a").size() > records && ledger("b").size() > records,
                () -> "ledgers " + ledger("a").size() + "/" + ledger("b").size());
    }

    private Map<String, Long> owners(DynamoDbLeaseTable table) {
        return table.listLeases().stream()
                .collect(Collectors.groupingBy(l -> l.owner().orElse("-"), TreeMap::new, Collectors.counting()));
    }

    private List<String[]> ledger(String id) {
        return DeliveryAudit.lines(dir.resolve(id + ".ledger"), 5);
    }

    /** The checkpoint journal: worker, shard, first and last sequence number, count, outcome and time of a batch. */
    private List<String[]> checkpoints(String id) {
        return DeliveryAudit.lines(dir.resolve(id + ".ledger.checkpoints"), 7);
    }

    /** The records of the given batches of a that neither b nor a itself has delivered a second time. */
    private List<String> notDeliveredAgain(List<String[]> batches) {
        Map<String, Long> deliveries = new HashMap<>();
        for (String[] r : ledger("a")) {
            deliveries.merge(r[1] + "/" + r[2], 1L, Long::sum);
        }
        for (String[] r : ledger("b")) {
            deliveries.merge(r[1] + "/" + r[2], 1L, Long::sum);
        }
        List<String> once = new ArrayList<>();
        for (String[] batch : batches) {
            ledger("a").stream()
                    .filter(r -> r[1].equals(batch[1]) && inRange(r[2], batch[2], batch[3]))
                    .map(r -> r[1] + "/" + r[2])
                    .filter(key -> deliveries.get(key) < 2)
                    .forEach(once::add);
        }
        return once;
    }

    private static boolean inRange(String sequenceNumber, String first, String last) {
        BigInteger n = new BigInteger(sequenceNumber);
        return n.compareTo(new BigInteger(first)) >= 0 && n.compareTo(new BigInteger(last)) <= 0;
    }

    @Test
    void theSurvivorTakesOverEveryShardAndNothingIsLost(AwsStack stack, TestNames names) throws Exception {
        // Given two worker processes balanced 4/4 over 8 shards, with records coming in
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        DynamoDbLeaseTable table = streamAndTable(stack, names, admin, 8);
        Process a = startWorker(stack, names, "a");
        Process b = startWorker(stack, names, "b");
        try (Producer producer = new Producer(admin, names.streamName(), 40, 100)) {
            awaitBalancedAndDelivering(table, 4, 100);
            Set<String> aShards = table.listLeases().stream()
                    .filter(l -> l.isOwnedBy("a"))
                    .map(Lease::leaseKey)
                    .collect(Collectors.toSet());

            // When a is killed with SIGKILL
            a.destroyForcibly();
            long killedAt = System.nanoTime();
            assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await(
                    Duration.ofSeconds(60),
                    () -> owners(table).getOrDefault("b", 0L) == 8,
                    () -> "owners " + owners(table));
            long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            log.info(
                    "b owned all 8 shards {} ms after a was killed (failover time {} s)",
                    takeoverMillis,
                    FAILOVER_SECONDS);
            Thread.sleep(2_000);
            producer.stop();
            int total = producer.produced();

            // Then every record reaches some worker...
            await(
                    Duration.ofSeconds(60),
                    () -> deliveredByEither().size() >= total,
                    () -> "not every record delivered");
            Set<String> seen = deliveredByEither();
            assertThat(seen)
                    .containsAll(IntStream.range(0, total)
                            .mapToObj(i -> "record-" + i)
                            .toList());

            // ...and the only duplicates are the tail a delivered but had not checkpointed, on the shards it held
            Map<String, List<String>> aByShard = new HashMap<>();
            ledger("a")
                    .forEach(r -> aByShard.computeIfAbsent(r[1], k -> new ArrayList<>())
                            .add(r[3]));
            Set<String> bRecords = ledger("b").stream().map(r -> r[3]).collect(Collectors.toSet());
            int duplicates = 0;
            for (Map.Entry<String, List<String>> shard : aByShard.entrySet()) {
                List<String> delivered = shard.getValue();
                int firstDuplicate = IntStream.range(0, delivered.size())
                        .filter(i -> bRecords.contains(delivered.get(i)))
                        .findFirst()
                        .orElse(delivered.size());
                for (int i = firstDuplicate; i < delivered.size(); i++) {
                    assertThat(bRecords)
                            .as("the duplicates on %s are a's last deliveries", shard.getKey())
                            .contains(delivered.get(i));
                }
                duplicates += delivered.size() - firstDuplicate;
                if (!aShards.contains(shard.getKey())) {
                    assertThat(firstDuplicate).isEqualTo(delivered.size());
                }
            }
            // ...after a's last checkpoint that succeeded on that shard (the journal is written after each write
            // returns, so a checkpoint a made just before dying may be missing from it: that only widens the tail)...
            Map<String, BigInteger> lastCheckpoint = new HashMap<>();
            for (String[] c : checkpoints("a")) {
                if (c[5].equals("ok")) {
                    lastCheckpoint.merge(c[1], new BigInteger(c[3]), BigInteger::max);
                }
            }
            for (String[] r : ledger("a")) {
                if (bRecords.contains(r[3]) && lastCheckpoint.containsKey(r[1])) {
                    assertThat(new BigInteger(r[2]))
                            .as("%s on %s was delivered again though a had checkpointed it", r[3], r[1])
                            .isGreaterThan(lastCheckpoint.get(r[1]));
                }
            }
            // ...and the survivor itself delivers nothing twice
            assertThat(ledger("b").stream().map(r -> r[1] + "/" + r[2]))
                    .as("b's deliveries")
                    .doesNotHaveDuplicates();
            log.info("{} records, {} delivered twice (a's uncheckpointed tail)", total, duplicates);
            assertThat(takeoverMillis)
                    .as("takeover after a kill -9, failover time %d s", FAILOVER_SECONDS)
                    .isLessThanOrEqualTo((FAILOVER_SECONDS + 3) * 1000L);
        } finally {
            stop(a, b);
        }
    }

    private Set<String> deliveredByEither() {
        Set<String> seen = new HashSet<>();
        ledger("a").forEach(r -> seen.add(r[3]));
        ledger("b").forEach(r -> seen.add(r[3]));
        return seen;
    }

    private static void stop(Process killed, Process survivor) throws InterruptedException {
        killed.destroyForcibly();
        survivor.destroy();
        if (!survivor.waitFor(30, TimeUnit.SECONDS)) {
            survivor.destroyForcibly();
        }
    }

    /** The shards whose batch a worker process held (see {@link WorkerProcess}). */
    private static Set<String> heldShards(Path heldFile) {
        try {
            return Files.exists(heldFile)
                    ? Files.readAllLines(heldFile).stream()
                            .filter(line -> line.matches("shardId-[0-9]+")) // complete lines only
                            .collect(Collectors.toCollection(TreeSet::new))
                    : Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -" + signal)
                .isTrue();
    }

    @Test
    void aPausedWorkerThatWakesUpAfterItsShardsMovedCheckpointsNothing(AwsStack stack, TestNames names)
            throws Exception {
        // Given two worker processes with a 3 s failover time and a processor that takes 300 ms a batch (so a pause
        // catches batches in the middle), balanced over 8 shards, with records coming in
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        DynamoDbLeaseTable table = streamAndTable(stack, names, admin, 8);
        Process a = startWorker(stack, names, "a", 3, 300);
        Process b = startWorker(stack, names, "b", 3, 300);
        try (Producer producer = new Producer(admin, names.streamName(), 40, 100)) {
            awaitBalancedAndDelivering(table, 4, 100);

            // When a is stopped (SIGSTOP) with at least one batch in the middle (held before its ledger lines and
            // checkpoint until a runs again), kept stopped until b owns every shard, then resumed (SIGCONT)
            Path hold = Files.createFile(dir.resolve("a.ledger.hold"));
            Path heldFile = dir.resolve("a.ledger.held");
            await(Duration.ofSeconds(30), () -> !heldShards(heldFile).isEmpty(), () -> "no batch of a held");
            signal(a, "STOP");
            Set<String> held = heldShards(heldFile);
            Files.delete(hold);
            int batchesBeforeResume;
            long resumedAt;
            try {
                await(
                        Duration.ofSeconds(60),
                        () -> owners(table).getOrDefault("b", 0L) == 8,
                        () -> "owners " + owners(table));
                Thread.sleep(1_000);
                batchesBeforeResume = checkpoints("a").size();
            } finally {
                resumedAt = System.currentTimeMillis();
                signal(a, "CONT");
            }
            Thread.sleep(3_000);
            producer.stop();
            int total = producer.produced();

            // Then every record is delivered, and the batches a was in the middle of when it stopped, finished on
            // waking, were refused their checkpoint (every held one among them), so each of their records is
            // delivered again: by b, or by a once it has the shard back (resuming from the last real checkpoint). A
            // batch a had finished before it stopped may have been checkpointed (the write went out, its answer came
            // after the pause); those are left out.
            await(
                    Duration.ofSeconds(60),
                    () -> deliveredByEither().size() >= total,
                    () -> "not every record delivered");
            List<String[]> afterWaking = checkpoints("a")
                    .subList(batchesBeforeResume, checkpoints("a").size())
                    .stream()
                    .filter(batch -> ledger("a").stream()
                            .filter(r -> r[1].equals(batch[1]) && inRange(r[2], batch[2], batch[3]))
                            .allMatch(r -> Long.parseLong(r[4]) >= resumedAt))
                    .toList();
            List<String[]> refused =
                    afterWaking.stream().filter(batch -> !batch[5].equals("ok")).toList();
            assertThat(refused.stream().map(batch -> batch[1]).collect(Collectors.toSet()))
                    .as("shards of the batches a finished after waking whose checkpoint was refused")
                    .containsAll(held);
            assertThat(refused).allSatisfy(batch -> assertThat(batch[5]).isEqualTo("lost"));
            await(
                    Duration.ofSeconds(60),
                    () -> notDeliveredAgain(refused).isEmpty(),
                    () -> "records of refused batches delivered only once: " + notDeliveredAgain(refused));
            log.info(
                    "a refused the checkpoints of {} batches it finished after waking ({} held); all their records"
                            + " were delivered again",
                    refused.size(),
                    held.size());
        } finally {
            stop(a, b);
        }
    }

    @Test
    void sigtermHandsEveryShardOverBeforeTheProcessExits(AwsStack stack, TestNames names) throws Exception {
        // Given two worker processes (each with shutdownOnJvmExit) balanced over 4 shards, with records coming in
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        DynamoDbLeaseTable table = streamAndTable(stack, names, admin, 4);
        Process a = startWorker(stack, names, "a");
        Process b = startWorker(stack, names, "b");
        try (Producer producer = new Producer(admin, names.streamName(), 20, 100)) {
            awaitBalancedAndDelivering(table, 2, 50);

            // When a gets SIGTERM, as ECS or Kubernetes send
            long terminatedAt = System.nanoTime();
            signal(a, "TERM");
            await(
                    Duration.ofSeconds(30),
                    () -> owners(table).getOrDefault("b", 0L) == 4,
                    () -> "owners " + owners(table));
            long handoverMillis = (System.nanoTime() - terminatedAt) / 1_000_000;
            assertThat(a.waitFor(30, TimeUnit.SECONDS))
                    .as("a exits after handing over")
                    .isTrue();
            Thread.sleep(2_000);
            producer.stop();
            int total = producer.produced();
            await(
                    Duration.ofSeconds(60),
                    () -> deliveredByEither().size() >= total,
                    () -> "not every record delivered");

            // Then b took every shard well before a failover could have, and no record was delivered twice
            log.info("b owned all 4 shards {} ms after a got SIGTERM", handoverMillis);
            assertThat(handoverMillis).isLessThan(FAILOVER_SECONDS * 1000L);
            List<String> all = new ArrayList<>();
            ledger("a").forEach(r -> all.add(r[3]));
            ledger("b").forEach(r -> all.add(r[3]));
            assertThat(all).hasSize(total).doesNotHaveDuplicates();
        } finally {
            stop(a, b);
        }
    }
}
