package dev.kcl.leases;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides who should own which lease. Pure: no I/O, no clock, deterministic for the same input.
 *
 * <h2>Design notes</h2>
 *
 * <ol>
 *   <li><b>Who counts.</b> Leases that are finished (checkpoint at SHARD_END) need no owner and are ignored. Leases of
 *       a live worker that is draining (shutting down) are left to it: it hands them off itself. A lease marked for
 *       handoff to an eligible worker already counts as that worker's.
 *   <li><b>Targets.</b> With N leases and k eligible workers each worker's target is N/k, and the N mod k workers
 *       that hold the most get one more, so a balanced fleet is left alone (sticky). Targets never exceed
 *       {@code maxLeasesPerWorker}.
 *   <li><b>Orphans first.</b> Unowned leases and leases of workers that are no longer live go to the workers
 *       furthest below target, lightest throughput first. This is not bounded: it is how failover happens.
 *   <li><b>Count, then throughput.</b> Up to {@code maxMovesPerRound} live leases then move from workers above
 *       target to workers below it, each time the lease that best evens the two workers' throughput. With moves
 *       left, a worker whose throughput exceeds the coldest's by more than the tolerance gives it a lease (or swaps
 *       a hot lease for a cold one when their counts are equal), only when that narrows the gap.
 * </ol>
 */
public final class LeaseBalancer {
    private LeaseBalancer() {}

    /**
     * Plans one round.
     *
     * @param leases every lease, as the leader read it
     * @param live workers whose heartbeat is live, draining or not
     * @param eligible live workers that may receive leases (not draining)
     */
    public static AssignmentPlan plan(
            Collection<Lease> leases, Set<String> live, Set<String> eligible, BalancerLimits limits) {
        if (eligible.isEmpty()) {
            return AssignmentPlan.empty();
        }
        Map<String, Load> loads = new TreeMap<>();
        eligible.forEach(worker -> loads.put(worker, new Load(worker)));
        List<Lease> orphans = new ArrayList<>();
        for (Lease lease : leases) {
            if (lease.isFinished()) {
                continue;
            }
            Optional<String> owner = lease.owner();
            if (owner.isEmpty() || !live.contains(owner.get())) {
                orphans.add(lease);
                continue;
            }
            Optional<String> pendingTarget = lease.handoffTo().filter(eligible::contains);
            String holder = pendingTarget.orElse(owner.get());
            Load load = loads.get(holder);
            if (load != null) {
                load.add(lease, pendingTarget.isEmpty());
            }
            // else: a draining worker's lease; it hands it off itself
        }

        int total = orphans.size()
                + loads.values().stream().mapToInt(l -> l.leases.size()).sum();
        assignTargets(loads, total, limits.maxLeasesPerWorker());

        List<AssignmentPlan.Move> assignments = assignOrphans(orphans, loads);
        List<AssignmentPlan.Move> handoffs = new ArrayList<>();
        Set<String> moved = new HashSet<>();
        balanceCounts(loads, limits, handoffs, moved);
        balanceThroughput(loads, limits, handoffs, moved);
        return new AssignmentPlan(assignments, handoffs);
    }

    private static void assignTargets(Map<String, Load> loads, int total, int cap) {
        int k = loads.size();
        int base = total / k;
        int extra = total % k;
        List<Load> byLoad = new ArrayList<>(loads.values());
        byLoad.sort(Comparator.comparingInt((Load l) -> -l.leases.size()).thenComparing(l -> l.worker));
        for (int i = 0; i < byLoad.size(); i++) {
            byLoad.get(i).target = Math.min(cap, base + (i < extra ? 1 : 0));
        }
    }

    private static List<AssignmentPlan.Move> assignOrphans(List<Lease> orphans, Map<String, Load> loads) {
        orphans.sort(Comparator.comparing(Lease::leaseKey));
        List<AssignmentPlan.Move> moves = new ArrayList<>();
        for (Lease orphan : orphans) {
            Optional<Load> receiver = loads.values().stream()
                    .filter(l -> l.leases.size() < l.target)
                    .min(Comparator.comparingInt((Load l) -> l.leases.size() - l.target)
                            .thenComparingDouble(l -> l.throughput)
                            .thenComparing(l -> l.worker));
            if (receiver.isEmpty()) {
                // every worker is at maxLeasesPerWorker: the fleet needs more workers
                break;
            }
            receiver.get().add(orphan, false);
            moves.add(new AssignmentPlan.Move(orphan, orphan.owner(), receiver.get().worker));
        }
        return moves;
    }

    private static void balanceCounts(
            Map<String, Load> loads, BalancerLimits limits, List<AssignmentPlan.Move> handoffs, Set<String> moved) {
        while (handoffs.size() < limits.maxMovesPerRound()) {
            Optional<Load> donor = loads.values().stream()
                    .filter(l -> l.leases.size() > l.target && !l.movable(moved).isEmpty())
                    .max(Comparator.comparingInt((Load l) -> l.leases.size() - l.target)
                            .thenComparing(l -> l.worker, Comparator.reverseOrder()));
            Optional<Load> receiver = loads.values().stream()
                    .filter(l -> l.leases.size() < l.target)
                    .min(Comparator.comparingInt((Load l) -> l.leases.size() - l.target)
                            .thenComparing(l -> l.worker));
            if (donor.isEmpty() || receiver.isEmpty()) {
                return;
            }
            Lease lease = bestToMove(donor.get(), receiver.get(), moved);
            move(lease, donor.get(), receiver.get(), handoffs, moved);
        }
    }

    private static void balanceThroughput(
            Map<String, Load> loads, BalancerLimits limits, List<AssignmentPlan.Move> handoffs, Set<String> moved) {
        if (loads.size() < 2) {
            return;
        }
        while (handoffs.size() < limits.maxMovesPerRound()) {
            double mean = loads.values().stream()
                    .mapToDouble(l -> l.throughput)
                    .average()
                    .orElse(0);
            Load hot = loads.values().stream()
                    .max(Comparator.comparingDouble((Load l) -> l.throughput).thenComparing(l -> l.worker))
                    .orElseThrow();
            Load cold = loads.values().stream()
                    .min(Comparator.comparingDouble((Load l) -> l.throughput).thenComparing(l -> l.worker))
                    .orElseThrow();
            double gap = hot.throughput - cold.throughput;
            if (mean <= 0 || gap <= limits.throughputTolerance() * mean) {
                return;
            }
            if (hot.leases.size() > cold.leases.size()
                    && cold.leases.size() < Math.min(limits.maxLeasesPerWorker(), cold.target + 1)) {
                Optional<Lease> best = hot.movable(moved).stream()
                        .filter(l -> throughput(l) > 0 && throughput(l) < gap)
                        .min(Comparator.comparingDouble((Lease l) -> Math.abs(gap - 2 * throughput(l)))
                                .thenComparing(Lease::leaseKey));
                if (best.isEmpty()) {
                    return;
                }
                move(best.get(), hot, cold, handoffs, moved);
            } else if (hot.leases.size() == cold.leases.size() && handoffs.size() + 2 <= limits.maxMovesPerRound()) {
                Lease bestHot = null;
                Lease bestCold = null;
                double bestGap = gap;
                for (Lease h : hot.movable(moved)) {
                    for (Lease c : cold.movable(moved)) {
                        double delta = throughput(h) - throughput(c);
                        double newGap = Math.abs(gap - 2 * delta);
                        if (delta > 0 && newGap < bestGap) {
                            bestGap = newGap;
                            bestHot = h;
                            bestCold = c;
                        }
                    }
                }
                if (bestHot == null) {
                    return;
                }
                move(bestHot, hot, cold, handoffs, moved);
                move(bestCold, cold, hot, handoffs, moved);
            } else {
                return;
            }
        }
    }

    /** The lease whose move best evens the two workers' throughput; the coldest when throughput is unknown. */
    private static Lease bestToMove(Load donor, Load receiver, Set<String> moved) {
        double gap = donor.throughput - receiver.throughput;
        return donor.movable(moved).stream()
                .min(Comparator.comparingDouble((Lease l) -> Math.abs(gap - 2 * throughput(l)))
                        .thenComparing(Lease::leaseKey))
                .orElseThrow();
    }

    private static void move(Lease lease, Load from, Load to, List<AssignmentPlan.Move> handoffs, Set<String> moved) {
        from.remove(lease);
        to.add(lease, false);
        moved.add(lease.leaseKey());
        handoffs.add(new AssignmentPlan.Move(lease, lease.owner(), to.worker));
    }

    private static double throughput(Lease lease) {
        return lease.throughputKBps().orElse(0.0);
    }

    /** One eligible worker's leases during planning. */
    private static final class Load {
        final String worker;
        final List<Lease> leases = new ArrayList<>();
        final Map<String, Boolean> settled = new HashMap<>(); // lease key -> may be moved this round
        double throughput;
        int target;

        Load(String worker) {
            this.worker = worker;
        }

        void add(Lease lease, boolean movable) {
            leases.add(lease);
            settled.put(lease.leaseKey(), movable);
            throughput += throughput(lease);
        }

        void remove(Lease lease) {
            leases.remove(lease);
            settled.remove(lease.leaseKey());
            throughput -= throughput(lease);
        }

        /** Leases held here that no move this round touches and that are not already being handed over. */
        List<Lease> movable(Set<String> moved) {
            return leases.stream()
                    .filter(l -> settled.getOrDefault(l.leaseKey(), false) && !moved.contains(l.leaseKey()))
                    .toList();
        }
    }
}
