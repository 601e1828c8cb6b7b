package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the protocol costs and how fast it moves, counted exactly: 10 workers and 1,000 leases on the simulated
 * clock, every lease-table call counted by the DynamoDB request it makes. The figures are in docs/leases.md.
 */
class LeaseCostTest {
    private static final int WORKERS = 10;
    private static final int LEASES = 1000;
    private final LeaseConfig config = LeaseConfig.defaults();
    private final Fleet fleet = new Fleet(config);
    private final Map<String, FaultyLeaseTable> counters = new TreeMap<>();

    private Fleet.Member start(String id) {
        FaultyLeaseTable counting = new FaultyLeaseTable(fleet.store, fleet.store, new Random(0));
        counters.put(id, counting);
        return fleet.start(id, counting, counting);
    }

    private void settle() {
        fleet.runUntil(Duration.ofMinutes(10), () -> {
            var counts = fleet.heldCounts().values().stream()
                    .mapToInt(Integer::intValue)
                    .summaryStatistics();
            return counts.getMax() - counts.getMin() <= 1
                    && counts.getSum() == LEASES
                    && fleet.store.snapshot().stream()
                            .noneMatch(l -> l.handoffTo().isPresent());
        });
    }

    private Map<String, Long> countsSinceReset() {
        Map<String, Long> total = new TreeMap<>();
        counters.values().forEach(c -> c.calls.forEach((op, n) -> total.merge(op, n.get(), Long::sum)));
        return total;
    }

    private void resetCounts() {
        counters.values().forEach(c -> c.calls.values().forEach(n -> n.set(0)));
    }

    @Test
    void steadyStateWritesArePerWorkerNotPerLease() {
        fleet.createLeases(LEASES);
        for (int i = 0; i < WORKERS; i++) {
            start("w" + i);
        }
        settle();
        fleet.run(Duration.ofMinutes(1));
        resetCounts();

        int minutes = 5;
        fleet.run(Duration.ofMinutes(minutes));

        Map<String, Long> calls = countsSinceReset();
        long writes = calls.entrySet().stream()
                .filter(e -> e.getKey().startsWith("Put")
                        || e.getKey().startsWith("Update")
                        || e.getKey().startsWith("Delete"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long reads = calls.values().stream().mapToLong(Long::longValue).sum() - writes;
        double writesPerWorkerMinute = (double) writes / (WORKERS * minutes);
        double writesPerLeaseMinute = (double) writes / (LEASES * minutes);
        System.out.printf("steady state, %d workers x %d leases, %d min: %s%n", WORKERS, LEASES, minutes, calls);
        System.out.printf(
                "writes/worker-minute %.1f, writes/lease-minute %.3f, reads/worker-minute %.1f%n",
                writesPerWorkerMinute, writesPerLeaseMinute, (double) reads / (WORKERS * minutes));

        assertThat(writesPerWorkerMinute).isLessThanOrEqualTo(40);
        assertThat(writesPerLeaseMinute).isLessThanOrEqualTo(1);
        assertThat(calls.getOrDefault("UpdateItem assign", 0L) + calls.getOrDefault("UpdateItem markHandoff", 0L))
                .as("no lease moves in steady state")
                .isZero();
    }

    @Test
    void aJoiningWorkerTakesItsShareInFewMoves() {
        fleet.createLeases(LEASES);
        for (int i = 0; i < WORKERS; i++) {
            start("w" + i);
        }
        settle();
        resetCounts();

        start("w" + WORKERS);
        Duration took = fleet.runUntil(Duration.ofMinutes(10), () -> {
            var counts = fleet.heldCounts().values().stream()
                    .mapToInt(Integer::intValue)
                    .summaryStatistics();
            return counts.getMax() - counts.getMin() <= 1
                    && fleet.store.snapshot().stream()
                            .noneMatch(l -> l.handoffTo().isPresent());
        });

        long moves = countsSinceReset().getOrDefault("UpdateItem markHandoff", 0L);
        System.out.printf(
                "a worker joining %d workers with %d leases: %d handoffs (ideal %d), %s%n",
                WORKERS, LEASES, moves, LEASES / (WORKERS + 1), took);
        assertThat(moves).isEqualTo(LEASES / (WORKERS + 1));
    }

    @Test
    void takeoverAfterACrashFitsTheFailoverTimePlusThreeSeconds() {
        fleet.createLeases(LEASES);
        for (int i = 0; i < WORKERS; i++) {
            start("w" + i);
        }
        settle();
        Fleet.Member leader = fleet.members.values().stream()
                .filter(m -> m.coordinator.isLeader())
                .findFirst()
                .orElseThrow();
        Fleet.Member worker = fleet.members.values().stream()
                .filter(m -> m != leader)
                .findFirst()
                .orElseThrow();

        AtomicLong before = new AtomicLong(fleet.time.nanos());
        worker.crash();
        Duration workerTakeover = fleet.runUntil(
                Duration.ofMinutes(1),
                () -> fleet.heldCounts().values().stream()
                                .mapToInt(Integer::intValue)
                                .sum()
                        == LEASES);
        settle();
        before.set(fleet.time.nanos());
        leader.crash();
        Duration leaderTakeover = fleet.runUntil(
                Duration.ofMinutes(1),
                () -> fleet.heldCounts().values().stream()
                                .mapToInt(Integer::intValue)
                                .sum()
                        == LEASES);

        System.out.printf(
                "takeover at failoverTime %s: worker crash %s, leader crash %s%n",
                config.failoverTime(), workerTakeover, leaderTakeover);
        assertThat(workerTakeover).isLessThanOrEqualTo(config.failoverTime().plusSeconds(3));
        assertThat(leaderTakeover).isLessThanOrEqualTo(config.failoverTime().plusSeconds(3));
    }
}
