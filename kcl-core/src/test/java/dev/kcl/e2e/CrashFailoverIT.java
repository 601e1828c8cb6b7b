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
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @TempDir
    Path dir;

    private Process startWorker(AwsStack stack, TestNames names, String id) throws IOException {
        return startWorker(stack, names, id, FAILOVER_SECONDS, 0);
    }

    private Process startWorker(AwsStack stack, TestNames names, String id, int failoverSeconds, int batchMillis)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WorkerProcess.class.getName(), stack.kinesisPlainEndpoint().toString(),
                stack.dynamoDbEndpoint().toString(), names.streamName(), names.applicationName(), id,
                dir.resolve(id + ".ledger").toString(), Integer.toString(failoverSeconds), Integer.toString(batchMillis))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start();
    }

    private Map<String, Long> owners(DynamoDbLeaseTable table) {
        return table.listLeases().stream().collect(Collectors.groupingBy(l -> l.owner().orElse("-"),
                TreeMap::new, Collectors.counting()));
    }

    private List<String[]> ledger(String id) {
        try {
            Path file = dir.resolve(id + ".ledger");
            return !Files.exists(file) ? List.of() : Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.split(" ").length == 5) // not a line cut short by a kill
                    .map(line -> line.split(" "))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSurvivorTakesOverEveryShardAndNothingIsLost(AwsStack stack, TestNames names) throws Exception {
        // Given two worker processes balanced 4/4 over 8 shards, with records coming in
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 8);
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName()).build();
        table.ensureExists();
        Process a = startWorker(stack, names, "a");
        Process b = startWorker(stack, names, "b");
        try (Producer producer = new Producer(admin, names.streamName(), 40, 100)) {
            await(Duration.ofSeconds(90), () -> {
                Map<String, Long> owners = owners(table);
                return owners.getOrDefault("a", 0L) == 4 && owners.getOrDefault("b", 0L) == 4;
            }, () -> "owners " + owners(table));
            await(Duration.ofSeconds(30), () -> ledger("a").size() > 100 && ledger("b").size() > 100,
                    () -> "ledgers " + ledger("a").size() + "/" + ledger("b").size());
            Set<String> aShards = table.listLeases().stream().filter(l -> l.isOwnedBy("a")).map(Lease::leaseKey)
                    .collect(Collectors.toSet());

            // When a is killed with SIGKILL
            a.destroyForcibly();
            long killedAt = System.nanoTime();
            assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await(Duration.ofSeconds(60), () -> owners(table).getOrDefault("b", 0L) == 8, () -> "owners "
                    + owners(table));
            long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            log.info("b owned all 8 shards {} ms after a was killed (failover time {} s)", takeoverMillis,
                    FAILOVER_SECONDS);
            Thread.sleep(2_000);
            producer.stop();
            int total = producer.produced();

            // Then every record reaches some worker...
            await(Duration.ofSeconds(60), () -> deliveredByEither().size() >= total, () -> "not every record delivered");
            Set<String> seen = deliveredByEither();
            assertThat(seen).containsAll(IntStream.range(0, total).mapToObj(i -> "record-" + i).toList());

            // ...and the only duplicates are the tail a delivered but had not checkpointed, on the shards it held
            Map<String, List<String>> aByShard = new HashMap<>();
            ledger("a").forEach(r -> aByShard.computeIfAbsent(r[1], k -> new ArrayList<>()).add(r[3]));
            Set<String> bRecords = ledger("b").stream().map(r -> r[3]).collect(Collectors.toSet());
            int duplicates = 0;
            for (Map.Entry<String, List<String>> shard : aByShard.entrySet()) {
                List<String> delivered = shard.getValue();
                int firstDuplicate = IntStream.range(0, delivered.size())
                        .filter(i -> bRecords.contains(delivered.get(i))).findFirst().orElse(delivered.size());
                for (int i = firstDuplicate; i < delivered.size(); i++) {
                    assertThat(bRecords).as("the duplicates on %s are a's last deliveries", shard.getKey())
                            .contains(delivered.get(i));
                }
                duplicates += delivered.size() - firstDuplicate;
                if (!aShards.contains(shard.getKey())) {
                    assertThat(firstDuplicate).isEqualTo(delivered.size());
                }
            }
            log.info("{} records, {} delivered twice (a's uncheckpointed tail)", total, duplicates);
            assertThat(takeoverMillis).isLessThan((FAILOVER_SECONDS + 20) * 1000L);
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

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    @Test
    void aPausedWorkerThatWakesUpAfterItsShardsMovedCheckpointsNothing(AwsStack stack, TestNames names)
            throws Exception {
        // Given two worker processes with a 3 s failover time and a processor that takes 300 ms a batch (so a pause
        // catches batches in the middle), balanced over 8 shards, with records coming in
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 8);
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName()).build();
        table.ensureExists();
        Process a = startWorker(stack, names, "a", 3, 300);
        Process b = startWorker(stack, names, "b", 3, 300);
        try (Producer producer = new Producer(admin, names.streamName(), 40, 100)) {
            await(Duration.ofSeconds(90), () -> {
                Map<String, Long> owners = owners(table);
                return owners.getOrDefault("a", 0L) == 4 && owners.getOrDefault("b", 0L) == 4;
            }, () -> "owners " + owners(table));
            await(Duration.ofSeconds(30), () -> ledger("a").size() > 100 && ledger("b").size() > 100,
                    () -> "ledgers " + ledger("a").size() + "/" + ledger("b").size());

            // When a is stopped (SIGSTOP) until b owns every shard, then resumed (SIGCONT)
            signal(a, "STOP");
            int aBeforeResume;
            try {
                await(Duration.ofSeconds(60), () -> owners(table).getOrDefault("b", 0L) == 8,
                        () -> "owners " + owners(table));
                Thread.sleep(1_000);
                aBeforeResume = ledger("a").size();
            } finally {
                signal(a, "CONT");
            }
            // a finishes the batch it was in at once; getting shards back takes it a heartbeat, the leader's next
            // look and a handoff from b, so what a wrote in the first 300 ms is its zombie delivery
            Thread.sleep(300);
            int aZombieEnd = ledger("a").size();
            Thread.sleep(3_000);
            producer.stop();
            int total = producer.produced();

            // Then every record is delivered, and whatever a delivered on waking (the batch it was in the middle of)
            // was not checkpointed: b delivered those records too
            await(Duration.ofSeconds(60), () -> deliveredByEither().size() >= total, () -> "not every record delivered");
            List<String[]> afterWaking = ledger("a").subList(aBeforeResume, aZombieEnd);
            Set<String> bRecords = ledger("b").stream().map(r -> r[3]).collect(Collectors.toSet());
            assertThat(afterWaking).isNotEmpty();
            assertThat(afterWaking).allSatisfy(r -> assertThat(bRecords).as("delivered by a after waking: " + r[3])
                    .contains(r[3]));
            log.info("a delivered {} records after waking, all of them again by b", afterWaking.size());
        } finally {
            stop(a, b);
        }
    }
}
