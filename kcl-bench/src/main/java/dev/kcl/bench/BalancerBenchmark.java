package dev.kcl.bench;

import dev.kcl.leases.AssignmentPlan;
import dev.kcl.leases.BalancerLimits;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseBalancer;
import dev.kcl.leases.StoredCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One round of the leader's balancer on 10,000 leases and 100 workers, with per-lease throughput: the fleet balanced
 * (the common case: nothing to move), five workers just died (their 500 leases are orphans), and one worker just
 * joined (it gets its share by handoff, a bounded number per round).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BalancerBenchmark {
    @Param({"balanced", "five-died", "one-joined"})
    String fleet;

    private List<Lease> leases;
    private Set<String> live;
    private final BalancerLimits limits = dev.kcl.leases.LeaseConfig.defaults().limits();

    @Setup
    public void setUp() {
        Random random = new Random(42);
        int workers = 100;
        leases = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            leases.add(Lease.create(
                            String.format(Locale.ROOT, "shardId-%012d", i),
                            StoredCheckpoint.of("TRIM_HORIZON"),
                            Set.of())
                    .toBuilder()
                    .owner(Optional.of("worker-" + (i % workers)))
                    .counter(1)
                    .throughputKBps(Optional.of(50 + random.nextDouble() * 100))
                    .build());
        }
        live = new TreeSet<>();
        for (int w = 0; w < workers; w++) {
            live.add("worker-" + w);
        }
        switch (fleet) {
            case "five-died" -> {
                for (int w = 0; w < 5; w++) {
                    live.remove("worker-" + w);
                }
            }
            case "one-joined" -> live.add("worker-new");
            default -> {
                // balanced
            }
        }
    }

    @Benchmark
    public AssignmentPlan planOneRound() {
        return LeaseBalancer.plan(leases, live, live, limits);
    }
}
