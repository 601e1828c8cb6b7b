package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LeaseBalancerTest {
    private static final BalancerLimits LIMITS = new BalancerLimits(Integer.MAX_VALUE, 2, 0.2);

    @Test
    void assignsEveryUnownedLeaseEvenly() {
        List<Lease> leases = leases(10, i -> Optional.empty());

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a", "b", "c"), Set.of("a", "b", "c"), LIMITS);

        assertThat(plan.handoffs()).isEmpty();
        assertThat(plan.assignments()).hasSize(10);
        Map<String, Long> counts = plan.assignments().stream()
                .collect(Collectors.groupingBy(AssignmentPlan.Move::to, Collectors.counting()));
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(3L, 4L));
    }

    @Test
    void leavesABalancedFleetAlone() {
        List<Lease> leases = leases(7, i -> Optional.of(i % 2 == 0 ? "a" : "b"));

        assertThat(LeaseBalancer.plan(leases, Set.of("a", "b"), Set.of("a", "b"), LIMITS)
                        .isEmpty())
                .isTrue();
    }

    @Test
    void givesADeadWorkersLeasesToTheLiveOnesAtOnce() {
        List<Lease> leases =
                leases(12, i -> Optional.of(List.of("a", "b", "dead").get(i % 3)));

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a", "b"), Set.of("a", "b"), LIMITS);

        assertThat(plan.assignments())
                .hasSize(4)
                .allSatisfy(m -> assertThat(m.from()).contains("dead"));
        assertThat(plan.handoffs()).isEmpty();
    }

    @Test
    void movesAtMostTheBoundPerRoundWhenAWorkerJoins() {
        List<Lease> leases = leases(30, i -> Optional.of(i % 2 == 0 ? "a" : "b"));

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a", "b", "c"), Set.of("a", "b", "c"), LIMITS);

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.handoffs())
                .hasSize(2)
                .allSatisfy(m -> assertThat(m.to()).isEqualTo("c"));
    }

    @Test
    void leavesADrainingWorkersLeasesToIt() {
        List<Lease> leases = leases(6, i -> Optional.of(i < 4 ? "leaving" : "a"));

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a", "leaving", "b"), Set.of("a", "b"), LIMITS);

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.handoffs()).noneMatch(m -> m.from().equals(Optional.of("leaving")));
    }

    @Test
    void ignoresFinishedLeases() {
        List<Lease> leases = new ArrayList<>(leases(2, i -> Optional.empty()));
        leases.add(Lease.create("done", StoredCheckpoint.of(StoredCheckpoint.SHARD_END), Set.of()));

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a"), Set.of("a"), LIMITS);

        assertThat(plan.assignments()).extracting(AssignmentPlan.Move::leaseKey).doesNotContain("done");
    }

    @Test
    void respectsMaxLeasesPerWorker() {
        List<Lease> leases = leases(10, i -> Optional.empty());

        AssignmentPlan plan =
                LeaseBalancer.plan(leases, Set.of("a", "b"), Set.of("a", "b"), new BalancerLimits(3, 2, 0.2));

        assertThat(plan.assignments()).hasSize(6);
    }

    @Test
    void evensThroughputOnceCountsAreEven() {
        // a holds two hot shards, b two cold ones: same count, very different load
        List<Lease> leases =
                List.of(lease("s0", "a", 900), lease("s1", "a", 800), lease("s2", "b", 10), lease("s3", "b", 20));

        AssignmentPlan plan = LeaseBalancer.plan(leases, Set.of("a", "b"), Set.of("a", "b"), LIMITS);

        assertThat(plan.handoffs()).hasSize(2);
        Map<String, Double> after = applyAll(leases, plan, Set.of("a", "b")).stream()
                .collect(Collectors.groupingBy(
                        l -> l.owner().orElseThrow(),
                        Collectors.summingDouble(l -> l.throughputKBps().orElse(0.0))));
        assertThat(Math.abs(after.get("a") - after.get("b"))).isLessThan(900 + 800 - 10 - 20);
    }

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void invariantsHoldOnRandomFleets(long seed) {
        Random random = new Random(seed);
        int workers = 1 + random.nextInt(20);
        List<String> ids = IntStream.range(0, workers).mapToObj(i -> "w" + i).toList();
        Set<String> live = new TreeSet<>(ids.subList(0, 1 + random.nextInt(workers)));
        Set<String> eligible = live.stream()
                .filter(w -> random.nextInt(10) > 0 || w.equals("w0"))
                .collect(Collectors.toCollection(TreeSet::new));
        int cap = random.nextInt(4) == 0 ? 1 + random.nextInt(50) : Integer.MAX_VALUE;
        BalancerLimits limits = new BalancerLimits(cap, random.nextInt(5), random.nextDouble());
        List<Lease> leases = new ArrayList<>();
        int count = random.nextInt(2001);
        for (int i = 0; i < count; i++) {
            Optional<String> owner =
                    random.nextInt(5) == 0 ? Optional.empty() : Optional.of(ids.get(random.nextInt(workers)));
            Lease.Builder b = Lease.builder(String.format("shard-%05d", i))
                    .owner(owner)
                    .counter(random.nextInt(5))
                    .checkpoint(StoredCheckpoint.of(random.nextInt(50) == 0 ? StoredCheckpoint.SHARD_END : "1"))
                    .throughputKBps(random.nextBoolean() ? Optional.of(random.nextDouble() * 1000) : Optional.empty());
            if (owner.isPresent() && random.nextInt(20) == 0) {
                b.handoffTo(Optional.of(ids.get(random.nextInt(workers))));
            }
            leases.add(b.build());
        }

        AssignmentPlan plan = LeaseBalancer.plan(leases, live, eligible, limits);

        String context = "seed " + seed;
        // bounded moves; each lease at most once; only to eligible workers
        assertThat(plan.handoffs().size()).as(context).isLessThanOrEqualTo(limits.maxMovesPerRound());
        List<String> keys = new ArrayList<>();
        plan.assignments().forEach(m -> keys.add(m.leaseKey()));
        plan.handoffs().forEach(m -> keys.add(m.leaseKey()));
        assertThat(new HashSet<>(keys)).as(context).hasSameSizeAs(keys);
        assertThat(plan.assignments()).as(context).allSatisfy(m -> {
            assertThat(eligible).contains(m.to());
            assertThat(m.lease().isFinished()).isFalse();
            assertThat(m.lease().owner().filter(live::contains)).isEmpty();
        });
        assertThat(plan.handoffs()).as(context).allSatisfy(m -> {
            assertThat(eligible).contains(m.to());
            assertThat(m.from()).isPresent();
            assertThat(eligible).contains(m.from().get());
            assertThat(m.lease().isFinished()).isFalse();
        });
        // orphans are all placed while there is room
        long orphans = leases.stream()
                .filter(l -> !l.isFinished() && l.owner().filter(live::contains).isEmpty())
                .count();
        if (cap == Integer.MAX_VALUE) {
            assertThat(plan.assignments()).as(context).hasSize((int) orphans);
        }
        // never above the cap because of this plan
        Map<String, Integer> after = holdings(applyAll(leases, plan, live), live, eligible);
        Map<String, Integer> before = holdings(leases, live, eligible);
        after.forEach((worker, n) -> assertThat(n)
                .as(context + " " + worker)
                .isLessThanOrEqualTo(Math.max(cap, before.getOrDefault(worker, 0))));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aFleetConvergesToWithinOneLease(long seed) {
        Random random = new Random(seed);
        int workers = 1 + random.nextInt(20);
        Set<String> eligible =
                IntStream.range(0, workers).mapToObj(i -> "w" + i).collect(Collectors.toCollection(TreeSet::new));
        List<String> someWorkers = new ArrayList<>(eligible).subList(0, 1 + random.nextInt(workers));
        List<Lease> leases = new ArrayList<>();
        int count = random.nextInt(500);
        boolean withThroughput = random.nextBoolean(); // owners' recorded KB/s: skewed, some leases without any
        for (int i = 0; i < count; i++) {
            leases.add(Lease.builder(String.format("shard-%05d", i))
                    .owner(
                            random.nextInt(4) == 0
                                    ? Optional.empty()
                                    : Optional.of(someWorkers.get(random.nextInt(someWorkers.size()))))
                    .checkpoint(StoredCheckpoint.of("1"))
                    .throughputKBps(
                            withThroughput && random.nextInt(5) > 0
                                    ? Optional.of(Math.pow(random.nextDouble(), 4) * 2_000)
                                    : Optional.empty())
                    .build());
        }
        BalancerLimits limits = new BalancerLimits(Integer.MAX_VALUE, 1 + random.nextInt(3), 0.2);

        int rounds = 0;
        while (true) {
            AssignmentPlan plan = LeaseBalancer.plan(leases, eligible, eligible, limits);
            if (plan.isEmpty()) {
                break;
            }
            leases = applyAll(leases, plan, eligible);
            assertThat(++rounds).as("seed " + seed + " rounds").isLessThanOrEqualTo(count + 1);
        }

        IntSummaryStatistics stats = holdings(leases, eligible, eligible).values().stream()
                .mapToInt(Integer::intValue)
                .summaryStatistics();
        assertThat(stats.getMax() - stats.getMin()).as("seed " + seed).isLessThanOrEqualTo(1);
        assertThat(leases).allSatisfy(l -> assertThat(l.owner()).isPresent());
    }

    /** Leases per worker, counting a live owner's pending handoff for its target. */
    private static Map<String, Integer> holdings(List<Lease> leases, Set<String> live, Set<String> workers) {
        Map<String, Integer> counts = new HashMap<>();
        workers.forEach(w -> counts.put(w, 0));
        for (Lease lease : leases) {
            if (lease.isFinished() || lease.owner().filter(live::contains).isEmpty()) {
                continue;
            }
            String holder = lease.handoffTo()
                    .filter(workers::contains)
                    .orElse(lease.owner().orElse(null));
            if (holder != null && workers.contains(holder)) {
                counts.merge(holder, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The leases after the plan is carried out: assignments written, live owners' handoffs completed. */
    private static List<Lease> applyAll(List<Lease> leases, AssignmentPlan plan, Set<String> live) {
        Map<String, String> to = new HashMap<>();
        plan.assignments().forEach(m -> to.put(m.leaseKey(), m.to()));
        plan.handoffs().forEach(m -> to.put(m.leaseKey(), m.to()));
        return leases.stream()
                .map(l -> to.containsKey(l.leaseKey())
                        ? l.assignedTo(to.get(l.leaseKey()))
                        : l.handoffTo().isPresent()
                                        && l.owner().filter(live::contains).isPresent()
                                ? l.assignedTo(l.handoffTo().get())
                                : l)
                .toList();
    }

    private static List<Lease> leases(int n, java.util.function.IntFunction<Optional<String>> owner) {
        return IntStream.range(0, n)
                .mapToObj(i -> Lease.builder(String.format("shard-%03d", i))
                        .owner(owner.apply(i))
                        .checkpoint(StoredCheckpoint.of("TRIM_HORIZON"))
                        .build())
                .toList();
    }

    private static Lease lease(String key, String owner, double kbps) {
        return Lease.builder(key)
                .owner(owner)
                .checkpoint(StoredCheckpoint.of("1"))
                .throughputKBps(Optional.of(kbps))
                .build();
    }
}
