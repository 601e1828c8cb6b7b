package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several coordinators on real threads and the real clock, sharing a lease table in DynamoDB Local. */
@KclStack
class CoordinatorsOnDynamoDbIT {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorsOnDynamoDbIT.class);
    private static final LeaseConfig CONFIG = LeaseConfig.builder()
            .failoverTime(Duration.ofSeconds(3))
            .pollInterval(Duration.ofMillis(200))
            .tickInterval(Duration.ofMillis(50))
            .build();

    private DynamoDbLeaseTable table;
    private final List<Worker> workers = new ArrayList<>();

    /** A coordinator with its own lease thread, and a listener that completes handoffs at once. */
    private final class Worker implements LeaseListener {
        final String id;
        final ScheduledExecutorService thread;
        final LeaseCoordinator coordinator;
        final Map<String, Long> gainedAt = new ConcurrentHashMap<>();
        final Map<String, Long> handoffAt = new ConcurrentHashMap<>();
        final List<String> lost = new CopyOnWriteArrayList<>();

        Worker(String id) {
            this.id = id;
            this.thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kcl-lease-" + id));
            this.coordinator =
                    new LeaseCoordinator(id, table, table, CONFIG, this, Ticker.system(), TaskScheduler.of(thread));
        }

        @Override
        public void leaseGained(Lease lease) {
            gainedAt.put(lease.leaseKey(), System.nanoTime());
        }

        @Override
        public void leaseLost(String leaseKey, String reason) {
            lost.add(leaseKey + ": " + reason);
        }

        @Override
        public void handoffRequested(Lease lease) {
            handoffAt.put(lease.leaseKey(), System.nanoTime());
            coordinator.completeHandoff(lease.leaseKey());
        }

        int held() {
            return coordinator.heldLeaseKeys().size();
        }
    }

    @BeforeEach
    void setUp(AwsStack stack, TestNames names) {
        table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
        table.ensureExists();
        for (int i = 0; i < 12; i++) {
            table.create(
                    Lease.create(String.format("shardId-%012d", i), StoredCheckpoint.of("TRIM_HORIZON"), Set.of()));
        }
    }

    @AfterEach
    void tearDown() {
        workers.forEach(w -> {
            w.coordinator.halt();
            w.thread.shutdownNow();
        });
    }

    private Worker start(String id) {
        Worker worker = new Worker(id);
        workers.add(worker);
        worker.coordinator.start();
        return worker;
    }

    @Test
    void convergeToAnEvenSpread() {
        Worker a = start("a");
        Worker b = start("b");
        Worker c = start("c");

        long took = await(Duration.ofSeconds(30), () -> a.held() == 4 && b.held() == 4 && c.held() == 4);

        log.info("3 coordinators spread 12 leases evenly in {} ms", took);
        assertThat(table.leasesOwnedBy("a")).hasSize(4);
        assertThat(table.leasesOwnedBy("b")).hasSize(4);
        assertThat(table.leasesOwnedBy("c")).hasSize(4);
    }

    @Test
    void takeOverTheLeasesOfOneThatStops() {
        Worker a = start("a");
        Worker b = start("b");
        await(Duration.ofSeconds(30), () -> a.held() == 6 && b.held() == 6);
        Worker stopped = a.coordinator.isLeader() ? b : a;
        Worker survivor = stopped == a ? b : a;

        stopped.coordinator.halt(); // stops heartbeating without handing anything off, as a crash would
        long took = await(Duration.ofSeconds(30), () -> survivor.held() == 12);

        log.info("takeover after a stop at failoverTime {}: {} ms", CONFIG.failoverTime(), took);
        assertThat(Duration.ofMillis(took)).isLessThan(CONFIG.failoverTime().plusSeconds(10));
    }

    @Test
    void handOffGracefullyWithNoMomentOfDoubleOwnership() throws Exception {
        Worker a = start("a");
        Worker b = start("b");
        await(Duration.ofSeconds(30), () -> a.held() == 6 && b.held() == 6);
        List<String> aLeases = List.copyOf(a.coordinator.heldLeaseKeys());

        // Watch every lease on another thread while a shuts down
        AtomicBoolean watching = new AtomicBoolean(true);
        List<String> doubles = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (String key : aLeases) {
                    // b first: leases only move from a to b, so b-then-a can see both only if both held at once
                    if (b.coordinator.holds(key) && a.coordinator.holds(key)) {
                        doubles.add(key);
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // leave the cores to the workers
            }
        });
        watcher.start();
        boolean clean = a.coordinator.shutdown().get(10, TimeUnit.SECONDS);
        await(Duration.ofSeconds(10), () -> b.held() == 12);
        watching.set(false);
        watcher.join();

        long worstGapMillis = aLeases.stream()
                        .mapToLong(key -> b.gainedAt.get(key) - a.handoffAt.get(key))
                        .max()
                        .orElseThrow()
                / 1_000_000;
        log.info(
                "graceful handoff of {} leases: worst gap {} ms from handoff request to the new owner",
                aLeases.size(),
                worstGapMillis);
        assertThat(clean).isTrue();
        assertThat(doubles).isEmpty();
        assertThat(a.lost).isEmpty();
        assertThat(table.workerIds()).containsExactly("b");
    }

    /** Waits in real time for a condition of real threads; returns the milliseconds it took. */
    private static long await(Duration limit, BooleanSupplier condition) {
        return dev.kcl.testkit.Eventually.await(limit, condition, () -> "condition");
    }
}
