package dev.kcl.leases;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's part of a worker: watching the leader while following, taking over when its heartbeat stops, and
 * while leading, judging which workers are live and writing the balancer's plan.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li>Liveness is judged only here, on this worker's monotonic clock: a worker is live while its heartbeat
 *       counter has changed within the failover time, as this worker observed it. A worker seen for the first time
 *       counts as just changed.
 *   <li>A follower reads the leader item and the leader's heartbeat every watch interval, and every worker's
 *       heartbeat once per heartbeat interval, so when it takes over it already knows which workers are dead and
 *       can give their leases (the old leader's too) away at once.
 *   <li>The lock item has no expiry: a successor takes over with a write conditional on the term it read. The term
 *       is the lock's fencing token: before each scan the leader re-reads the item and stops leading if it no longer
 *       carries its term.
 *   <li>The leader acts only while its own heartbeat is fresh. The coordinator judges that before it writes the next
 *       heartbeat, so a leader waking from a long pause steps down first; any writes it still makes are fenced by
 *       the lease conditions.
 * </ul>
 *
 * <p>Not thread-safe: confined to the coordinator's thread.
 */
final class LeaderRole {
    private static final Logger log = LoggerFactory.getLogger(LeaderRole.class);
    /** Heartbeat items unchanged for this many failover times are removed. */
    private static final int FORGET_AFTER_FAILOVERS = 6;

    private final String me;
    private final LeaseTable table;
    private final WorkerRegistry registry;
    private final LeaseConfig config;

    private Optional<LeaderLock> lock = Optional.empty();
    private final Map<String, Observation> observed = new HashMap<>();
    private final Set<String> expired = new HashSet<>();
    private final Map<String, Long> handoffSeenAt = new HashMap<>();
    private long nextWatchAt;
    private long nextObserveAt;
    private long nextScanAt;
    private boolean scanRequested;

    /**
     * A worker's heartbeat as this worker last saw it, and when it last changed. A worker is {@code confirmed} once
     * its heartbeat has been seen to change: only then may it receive leases (a heartbeat item seen for the first
     * time may belong to a worker that died long ago).
     */
    private record Observation(long counter, long changedAt, boolean draining, boolean confirmed) {}

    LeaderRole(String me, LeaseTable table, WorkerRegistry registry, LeaseConfig config, long now) {
        this.me = me;
        this.table = table;
        this.registry = registry;
        this.config = config;
        this.nextWatchAt = now;
        this.nextObserveAt = now;
        this.nextScanAt = now;
    }

    boolean isLeader() {
        return lock.isPresent();
    }

    /** Asks for a lease scan at the next tick, for example after a handoff completed. */
    void requestScan() {
        scanRequested = true;
    }

    /**
     * One round: follow or lead.
     *
     * @param fresh whether this worker's own heartbeat is fresh; without it, it neither leads nor takes over
     * @param draining whether this worker is shutting down; a draining worker gives leadership up
     */
    void tick(long now, boolean fresh, boolean draining) {
        if (!fresh) {
            stepDown("its own heartbeat is not fresh");
            return;
        }
        if (draining) {
            stepDown("this worker is shutting down");
            return;
        }
        if (lock.isEmpty() && now - nextWatchAt >= 0) {
            // Watch the leader often enough that a takeover fits in the failover time plus a second or two.
            nextWatchAt = now
                    + Math.max(
                            config.pollInterval().toNanos(),
                            config.heartbeatInterval().toNanos() / 2);
            follow(now);
        }
        if (now - nextObserveAt >= 0) {
            // The leader watches the fleet every poll; a follower once per heartbeat interval, so that when it takes
            // over it already knows which workers are alive.
            nextObserveAt = now + (lock.isPresent() ? config.pollInterval() : config.heartbeatInterval()).toNanos();
            observeWorkers(now);
        }
        if (lock.isPresent() && (scanRequested || now - nextScanAt >= 0) && stillLeads(now)) {
            scan(now);
        }
    }

    /**
     * Stops leading, and deletes the leader item if it still names this worker's term, so another worker leads at
     * once. Does nothing while this worker does not lead.
     */
    void stepDown(String why) {
        if (lock.isEmpty()) {
            return;
        }
        LeaderLock mine = lock.get();
        lock = Optional.empty();
        try {
            if (registry.releaseLeadership(mine)) {
                log.info("{} gave up leadership (term {}): {}", me, mine.term(), why);
            } else {
                log.info(
                        "{} stopped leading (term {}): {}; another worker had taken over already",
                        me,
                        mine.term(),
                        why);
            }
        } catch (LeaseTableException e) {
            log.warn(
                    "{} stopped leading (term {}): {}; could not release the leader item, so another worker takes over"
                            + " after the failover time: {}",
                    me,
                    mine.term(),
                    why,
                    e.getMessage());
        }
    }

    /**
     * Re-reads the leader item before a round that writes: the term is the lock's fencing token, and if the item no
     * longer carries this worker's term (another worker took over while this one was paused or partitioned, or an
     * operator deleted it), this worker stops leading without touching the item.
     */
    private boolean stillLeads(long now) {
        LeaderLock mine = lock.orElseThrow();
        Optional<LeaderLock> current = registry.leader();
        if (current.equals(lock)) {
            return true;
        }
        lock = Optional.empty();
        nextWatchAt = now;
        log.warn(
                "{} stops leading (term {}): the leader item now shows {}",
                me,
                mine.term(),
                current.map(l -> l.leaderId() + " (term " + l.term() + ")").orElse("no leader"));
        return false;
    }

    /**
     * The other workers that may receive leases now, after reading every heartbeat: those this worker has seen alive
     * (their heartbeat counter changed within the failover time, on its own clock) and not draining. A worker seen
     * only once is not among them: its heartbeat item may be left over from a worker that died long ago.
     */
    Set<String> liveSuccessors(long now) {
        observeWorkers(now);
        Set<String> live = new TreeSet<>();
        observed.forEach((worker, observation) -> {
            if (!worker.equals(me) && observation.confirmed() && !observation.draining() && !isExpired(worker, now)) {
                live.add(worker);
            }
        });
        return live;
    }

    private void follow(long now) {
        Optional<LeaderLock> current = registry.leader();
        if (current.isEmpty()) {
            claim(current, now, "no leader");
            return;
        }
        String leader = current.get().leaderId();
        if (leader.equals(me)) {
            lock = current; // this worker restarted with the same id
            scanRequested = true;
            return;
        }
        Heartbeat heartbeat = registry.heartbeats(List.of(leader)).get(leader);
        if (heartbeat == null) {
            claim(current, now, "leader " + leader + " has no heartbeat");
            return;
        }
        observe(heartbeat, now);
        if (isExpired(leader, now)) {
            claim(current, now, "leader " + leader + " heartbeat unchanged for " + config.failoverTime());
        }
    }

    private void claim(Optional<LeaderLock> expected, long now, String why) {
        Optional<LeaderLock> claimed = registry.claimLeadership(expected, me);
        if (claimed.isPresent()) {
            lock = claimed;
            scanRequested = true;
            nextObserveAt = now; // observe the fleet in this same tick
            expired.clear();
            log.info("{} is leader (term {}): {}", me, claimed.get().term(), why);
        }
    }

    private void observeWorkers(long now) {
        Set<String> ids = new LinkedHashSet<>(registry.workerIds());
        ids.addAll(observed.keySet());
        ids.add(me);
        Map<String, Heartbeat> heartbeats = registry.heartbeats(ids);
        for (Heartbeat heartbeat : heartbeats.values()) {
            observe(heartbeat, now);
        }
        boolean leading = lock.isPresent();
        for (String gone : new TreeSet<>(observed.keySet())) {
            if (!heartbeats.containsKey(gone)) {
                observed.remove(gone);
                expired.remove(gone);
                scanRequested = true;
                if (leading) {
                    log.info("{} left the fleet", gone);
                }
            }
        }
        if (!leading) {
            return;
        }
        long forgetAfter = config.failoverTime().toNanos() * FORGET_AFTER_FAILOVERS;
        for (Map.Entry<String, Observation> entry : new TreeMap<>(observed).entrySet()) {
            String worker = entry.getKey();
            if (worker.equals(me)) {
                continue;
            }
            if (isExpired(worker, now) && expired.add(worker)) {
                scanRequested = true;
                log.info("{} expired: heartbeat unchanged for {}", worker, config.failoverTime());
            }
            if (now - entry.getValue().changedAt() >= forgetAfter) {
                registry.removeWorker(worker);
                observed.remove(worker);
                expired.remove(worker);
            }
        }
    }

    private void observe(Heartbeat heartbeat, long now) {
        String worker = heartbeat.workerId();
        Observation previous = observed.get(worker);
        if (previous == null) {
            observed.put(worker, new Observation(heartbeat.counter(), now, heartbeat.draining(), worker.equals(me)));
            scanRequested = true;
            return;
        }
        if (previous.counter() != heartbeat.counter()) {
            observed.put(worker, new Observation(heartbeat.counter(), now, heartbeat.draining(), true));
            if (!previous.confirmed() || previous.draining() != heartbeat.draining()) {
                scanRequested = true;
            }
            if (expired.remove(worker) && lock.isPresent()) {
                log.info("{} is back", worker);
            }
        }
    }

    private boolean isExpired(String worker, long now) {
        Observation observation = observed.get(worker);
        return observation == null
                || now - observation.changedAt() >= config.failoverTime().toNanos();
    }

    private void scan(long now) {
        scanRequested = false;
        long soon = now + 2 * config.pollInterval().toNanos();
        nextScanAt = soon; // until the table has been read, try again soon
        Set<String> live = new TreeSet<>();
        Set<String> eligible = new TreeSet<>();
        for (Map.Entry<String, Observation> entry : observed.entrySet()) {
            if (entry.getKey().equals(me) || !isExpired(entry.getKey(), now)) {
                live.add(entry.getKey());
                if (!entry.getValue().draining() && entry.getValue().confirmed()) {
                    eligible.add(entry.getKey());
                }
            }
        }
        live.add(me);
        eligible.add(me);
        List<Lease> leases = table.listLeases();
        nextScanAt = now + config.leaseScanInterval().toNanos();
        AssignmentPlan plan = LeaseBalancer.plan(leases, live, eligible, config.limits());
        if (!plan.isEmpty()) {
            // more may remain after a bounded round: look again soon rather than after a full scan interval
            nextScanAt = Math.min(nextScanAt, soon);
        }
        Round round = new Round();
        try {
            for (AssignmentPlan.Move move : plan.assignments()) {
                if (round.applied(() -> table.assign(move.lease(), move.to()))) {
                    log.info(
                            "{} assigned to {} (was {})",
                            move.leaseKey(),
                            move.to(),
                            move.from().orElse("unowned"));
                }
            }
            for (AssignmentPlan.Move move : plan.handoffs()) {
                if (round.applied(() -> table.markHandoff(move.lease(), move.to()))) {
                    handoffSeenAt.put(move.leaseKey(), now);
                    log.info(
                            "{} to be handed from {} to {}",
                            move.leaseKey(),
                            move.from().orElse("?"),
                            move.to());
                }
            }
            forceStaleHandoffs(leases, live, eligible, now, round);
            round.finish();
        } catch (LeaseTableException e) {
            nextScanAt = Math.min(nextScanAt, soon); // what failed may have applied or not: read again soon
            throw e;
        }
    }

    /**
     * The writes of one scan round. Each is fenced on its own lease, so one that fails (throttled, timed out) does
     * not stop the others: under a steady error rate a round that gave up at the first failure would place only a
     * handful of leases per scan, and a failover of many leases would take minutes. A few failures in a row end the
     * round, so an outage does not hold the lease thread for one call timeout per planned move. The round's first
     * failure is rethrown at its end for the caller to report.
     */
    private static final class Round {
        private static final int MAX_FAILURES_IN_A_ROW = 3;

        private LeaseTableException firstFailure;
        private int failuresInARow;

        /** Whether the write applied; false when it failed, until too many have failed in a row. */
        boolean applied(java.util.function.Supplier<LeaseWrite> write) {
            try {
                boolean applied = write.get().applied();
                failuresInARow = 0;
                return applied;
            } catch (LeaseTableException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) {
                    throw firstFailure;
                }
                return false;
            }
        }

        void finish() {
            if (firstFailure != null) {
                throw firstFailure;
            }
        }
    }

    private void forceStaleHandoffs(List<Lease> leases, Set<String> live, Set<String> eligible, long now, Round round) {
        Set<String> marked = new HashSet<>();
        for (Lease lease : leases) {
            if (lease.handoffTo().isEmpty()
                    || lease.owner().filter(live::contains).isEmpty()) {
                continue;
            }
            String owner = lease.owner().get();
            String target = lease.handoffTo().get();
            if (!eligible.contains(target)) {
                // the target left or died before the owner finished: the lease stays where it is
                if (round.applied(() -> table.cancelHandoff(lease))) {
                    log.info("{} stays with {}: handoff target {} is gone", lease.leaseKey(), owner, target);
                }
                continue;
            }
            marked.add(lease.leaseKey());
            long seenAt = handoffSeenAt.computeIfAbsent(lease.leaseKey(), k -> now);
            if (now - seenAt >= config.handoffTimeout().toNanos()) {
                if (round.applied(() -> table.assign(lease, target))) {
                    log.warn(
                            "{} moved to {} without its owner {}: handoff not finished within {}",
                            lease.leaseKey(),
                            target,
                            owner,
                            config.handoffTimeout());
                }
            }
        }
        handoffSeenAt.keySet().retainAll(marked);
    }
}
