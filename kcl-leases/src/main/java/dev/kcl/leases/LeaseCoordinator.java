package dev.kcl.leases;

import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's side of the lease protocol: its heartbeat, the leases it holds, handoffs, and (through
 * {@link LeaderRole}) leadership.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li><b>One thread.</b> All protocol state is confined to the scheduler's thread, which runs {@link #tick()}
 *       every tick interval. Other threads only read the held-lease map and the time of the last heartbeat, and
 *       post handoff completions, which the tick thread carries out.
 *   <li><b>Cost.</b> In steady state a worker writes one heartbeat per heartbeat interval whatever its lease count;
 *       it reads its own leases through the owner index each poll interval, and the leader reads the heartbeats.
 *       Consistent single-item reads happen only when the index shows a change.
 *   <li><b>Self-fencing.</b> The time of the last heartbeat that succeeded is taken <i>before</i> the write was
 *       sent, so it is never later than when DynamoDB applied it. Another worker may take a lease only after seeing
 *       the heartbeat unchanged for the failover time; this worker stops holding its leases
 *       {@code selfFenceMargin} earlier. {@link #holds(String)} checks this on every call, so a worker resuming
 *       from a long pause sees at once that it may not deliver. Each tick judges staleness <i>before</i> it writes
 *       the heartbeat: a worker waking from such a pause revokes every lease ({@link LeaseListener#leaseLost}) and
 *       gives up leadership first, even when the heartbeat it then writes succeeds.
 *   <li><b>Index lag.</b> The owner index may lag, so a lease that appears or disappears there is confirmed with a
 *       consistent read before it is gained or lost.
 *   <li><b>Handoff.</b> The owner is told ({@link LeaseListener#handoffRequested}), its consumer checkpoints, and
 *       {@link #completeHandoff} writes the release to the successor; the successor finds the lease at its next
 *       poll. On shutdown the worker picks successors itself, so a deploy does not wait for the leader.
 * </ul>
 */
public final class LeaseCoordinator {
    private static final Logger log = LoggerFactory.getLogger(LeaseCoordinator.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final String workerId;
    private final LeaseTable table;
    private final WorkerRegistry registry;
    private final LeaseConfig config;
    private final LeaseListener listener;
    private final Ticker ticker;
    private final TaskScheduler scheduler;
    private final LeaderRole leader;

    // Read from any thread.
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private volatile long lastHeartbeatSentAt = NEVER;
    private final java.util.Queue<String> completions = new java.util.concurrent.ConcurrentLinkedQueue<>();

    // Confined to the tick thread.
    private long heartbeatCounter;
    private long nextHeartbeatAt;
    private long nextPollAt;
    private int heartbeatFailures;
    private int roundsFailed;
    /** When heartbeats began failing with an error a retry cannot fix (the table deleted, access denied). */
    private long permanentFailureSince = NEVER;

    private volatile LeaseTableException permanentFailure;
    /** How many times this worker revoked every lease for a stale heartbeat; written by the tick thread only. */
    private volatile long revocations;

    private final Set<String> handoffsSignalled = new HashSet<>();
    /**
     * The counter of each lease this worker stopped holding locally (its consumer was told the lease was lost). If the
     * table still shows the same holding when this worker gains the lease again, it takes it with a new counter
     * first, so writes made for the earlier holding (a consumer still finishing its batch) are refused.
     */
    private final Map<String, Long> letGo = new HashMap<>();
    /** Leaving the fleet; any lease lost from then on was not handed off, so the shutdown is not clean. */
    private boolean leaving;

    private int lostWhileLeaving;

    private final Map<String, Optional<String>> shutdownSuccessors = new HashMap<>();
    private final Map<String, Release> releasing = new java.util.TreeMap<>();
    private boolean draining;
    private boolean running;
    private boolean revoked;
    private CompletableFuture<Boolean> shutdown;
    private TaskScheduler.Cancellable nextTick;

    public LeaseCoordinator(
            String workerId,
            LeaseTable table,
            WorkerRegistry registry,
            LeaseConfig config,
            LeaseListener listener,
            Ticker ticker,
            TaskScheduler scheduler) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.table = Objects.requireNonNull(table, "table");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        long now = ticker.nanos();
        this.nextHeartbeatAt = now;
        this.nextPollAt = now;
        this.leader = new LeaderRole(workerId, table, registry, config, now);
    }

    public String workerId() {
        return workerId;
    }

    /** Starts ticking on the scheduler. */
    public void start() {
        scheduler.execute(() -> {
            running = true;
            runTick();
        });
    }

    /**
     * Stops at once without handing anything off, as a crash would (other workers take the leases after the
     * failover time). Listeners hear nothing more.
     */
    public void halt() {
        scheduler.execute(() -> {
            running = false;
            if (nextTick != null) {
                nextTick.cancel();
            }
            held.clear();
        });
    }

    /**
     * Hands every lease off and leaves the fleet: the worker stops getting leases, each held lease gets
     * {@link LeaseListener#handoffRequested}, and once {@link #completeHandoff} has been called for all of them the
     * worker deletes its heartbeat and gives up leadership. The future completes with true then; call
     * {@link #abandonShutdown()} if it takes too long.
     */
    public CompletableFuture<Boolean> shutdown() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        scheduler.execute(() -> beginShutdown(done));
        return done;
    }

    /** Ends a shutdown that took too long: leases not yet handed off are released to nobody. */
    public void abandonShutdown() {
        scheduler.execute(() -> {
            if (shutdown == null || shutdown.isDone()) {
                return;
            }
            for (Lease lease : new ArrayList<>(held.values())) {
                held.remove(lease.leaseKey());
                listener.leaseLost(lease.leaseKey(), "shutdown timed out before the handoff finished");
                releaseQuietly(lease, Optional.empty());
            }
            finishShutdown(false);
        });
    }

    /** True while this worker holds the lease and its heartbeat is fresh enough to deliver records for it. */
    public boolean holds(String leaseKey) {
        return held.containsKey(leaseKey) && heartbeatFresh(ticker.nanos());
    }

    /** The lease as this worker last wrote or read it, while it holds it. */
    public Optional<Lease> heldLease(String leaseKey) {
        return holds(leaseKey) ? Optional.ofNullable(held.get(leaseKey)) : Optional.empty();
    }

    /** The keys of the leases this worker holds. */
    public Set<String> heldLeaseKeys() {
        return heartbeatFresh(ticker.nanos()) ? Set.copyOf(held.keySet()) : Set.of();
    }

    /** Time since the last heartbeat that succeeded was sent; empty before the first. */
    public Optional<java.time.Duration> heartbeatAge() {
        long sent = lastHeartbeatSentAt;
        return sent == NEVER ? Optional.empty() : Optional.of(java.time.Duration.ofNanos(ticker.nanos() - sent));
    }

    /**
     * The error that has kept this worker from writing its heartbeat for the whole self-fencing time when retrying
     * cannot fix it (the lease table was deleted, the credentials lost access): by then it holds no lease, and its
     * owner should stop it and say why.
     */
    public Optional<LeaseTableException> permanentFailure() {
        return Optional.ofNullable(permanentFailure);
    }

    /** Whether this worker currently leads (as of its last tick). */
    public boolean isLeader() {
        return leader.isLeader();
    }

    /** The consumer of a lease in handoff has finished and checkpointed: release the lease to its successor. */
    public void completeHandoff(String leaseKey) {
        completions.add(leaseKey);
        scheduler.execute(this::drainCompletions);
    }

    /**
     * Writes progress (checkpoint, children, throughput) for a held lease, fenced on owner and counter. On a
     * {@link LeaseWrite.Conflict} the lease has moved to another worker and is dropped, with
     * {@link LeaseListener#leaseLost}. Callable from any thread; blocks for one table call.
     */
    public LeaseWrite updateProgress(String leaseKey, UnaryOperator<Lease> change) {
        Lease expected = held.get(leaseKey);
        return expected == null
                ? new LeaseWrite.Conflict(leaseKey)
                : updateProgress(leaseKey, expected.counter(), change);
    }

    /**
     * Like {@link #updateProgress(String, UnaryOperator)}, for one holding of the lease only: the one with this
     * counter. A consumer of an earlier holding (the lease went elsewhere and came back to this worker meanwhile)
     * gets a {@link LeaseWrite.Conflict}, so what it does late cannot pass for the new holding's progress.
     */
    public LeaseWrite updateProgress(String leaseKey, long counter, UnaryOperator<Lease> change) {
        Lease expected = held.get(leaseKey);
        if (expected == null || expected.counter() != counter) {
            return new LeaseWrite.Conflict(leaseKey);
        }
        if (!heartbeatFresh(ticker.nanos())) {
            // This worker cannot prove it still owns the lease, so the write is refused as if the lease had moved and
            // the caller's consumer stops. Drop the holding as well: once the heartbeat is back, the lease is gained
            // afresh (a new consumer from the stored checkpoint) instead of staying held with no consumer. If the
            // lease thread revokes every lease first (it does on waking from a pause), this holding is gone already
            // and one gained since, even with the same counter, is left alone.
            long revokedBefore = revocations;
            scheduler.execute(() -> {
                if (revocations == revokedBefore) {
                    loseLease(leaseKey, counter, "a progress write was refused: the heartbeat is stale");
                }
            });
            return new LeaseWrite.Conflict(leaseKey);
        }
        LeaseWrite write = table.updateProgress(expected, change.apply(expected));
        if (write instanceof LeaseWrite.Applied applied) {
            held.computeIfPresent(
                    leaseKey, (k, current) -> current.counter() == expected.counter() ? applied.stored() : current);
        } else {
            // The counter moves only with ownership, so the lease moved: drop this holding (not a newer one).
            scheduler.execute(() -> loseLease(leaseKey, counter, "a fenced write was rejected: the lease moved"));
        }
        return write;
    }

    /** One round of the protocol. Runs on the scheduler's thread; package-private so simulations can drive it. */
    void tick() {
        long now = ticker.nanos();
        revokeIfStale(now);
        if (shutdown != null && shutdown.isDone()) {
            return; // losing the last lease finished a shutdown: this worker has left the fleet
        }
        heartbeatIfDue(now);
        drainCompletions();
        try {
            boolean polled = false;
            if (now - nextPollAt >= 0) {
                nextPollAt = now + config.pollInterval().toNanos();
                refreshOwnership(now);
                polled = true;
            }
            // the round's reads may have taken a while: judge freshness again on the clock as it is now
            leader.tick(now, heartbeatFresh(ticker.nanos()), draining);
            if (polled) {
                roundsFailed = 0; // a round that read the table went through
            }
        } catch (LeaseTableException e) {
            if (roundsFailed++ == 0) { // once per run of failures: a round runs every tick
                log.warn(
                        "{} lease round failed ({}): {}",
                        workerId,
                        e.retryable() ? "will retry" : "not retryable",
                        e.getMessage());
            }
        }
    }

    private void runTick() {
        if (!running) {
            return;
        }
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("{} lease round failed unexpectedly", workerId, e);
        }
        if (running) {
            nextTick = scheduler.schedule(this::runTick, config.tickInterval());
        }
    }

    private void heartbeatIfDue(long now) {
        if (now - nextHeartbeatAt < 0) {
            return;
        }
        long sentAt = ticker.nanos();
        try {
            registry.heartbeat(new Heartbeat(workerId, ++heartbeatCounter, draining));
            lastHeartbeatSentAt = sentAt;
            nextHeartbeatAt = now + config.heartbeatInterval().toNanos();
            if (heartbeatFailures > 0) {
                log.info("{} heartbeat succeeded again after {} failures", workerId, heartbeatFailures);
            }
            heartbeatFailures = 0;
            permanentFailureSince = NEVER;
            revoked = false;
        } catch (LeaseTableException e) {
            if (heartbeatFailures++ == 0) {
                log.warn("{} heartbeat failed, retrying: {}", workerId, e.getMessage());
            }
            if (e.retryable()) {
                permanentFailureSince = NEVER;
            } else if (permanentFailureSince == NEVER) {
                permanentFailureSince = now;
            } else if (now - permanentFailureSince >= config.selfFenceAfter().toNanos() && permanentFailure == null) {
                log.error(
                        "{} cannot write its heartbeat for {} and retrying will not help: {}",
                        workerId,
                        config.selfFenceAfter(),
                        e.getMessage());
                permanentFailure = e;
            }
            // retry well before the self-fencing deadline
            nextHeartbeatAt = now
                    + Math.min(
                            config.heartbeatInterval().toNanos(),
                            config.pollInterval().toNanos());
        }
    }

    /**
     * Runs before every heartbeat write, which may well succeed and make this worker look fresh again: a worker whose
     * last successful heartbeat is older than the self-fencing time (it was paused, or cut off) revokes every lease
     * and gives up leading first, because others may have taken both meanwhile.
     */
    private void revokeIfStale(long now) {
        if (heartbeatFresh(now)) {
            return;
        }
        fenceIfStale(now);
        leader.stepDown("its own heartbeat was not written for " + config.selfFenceAfter());
    }

    private void fenceIfStale(long now) {
        if (heartbeatFresh(now) || held.isEmpty() || revoked) {
            return;
        }
        revoked = true;
        revocations++;
        log.warn(
                "{} has not written a heartbeat for {}: dropping its {} leases before other workers may take them",
                workerId,
                config.selfFenceAfter(),
                held.size());
        for (String leaseKey : new TreeSet<>(held.keySet())) {
            loseLease(leaseKey, "heartbeat not written for " + config.selfFenceAfter());
        }
    }

    private boolean heartbeatFresh(long now) {
        long sent = lastHeartbeatSentAt;
        return sent != NEVER && now - sent < config.selfFenceAfter().toNanos();
    }

    private void refreshOwnership(long now) {
        List<Lease> owned = table.leasesOwnedBy(workerId);
        Map<String, Lease> byKey = new HashMap<>();
        owned.forEach(lease -> byKey.put(lease.leaseKey(), lease));

        for (Lease indexed : owned) {
            Lease mine = held.get(indexed.leaseKey());
            if (releasing.containsKey(indexed.leaseKey())) {
                continue; // being released: never take it up again meanwhile
            }
            if (mine == null) {
                if (heartbeatFresh(now)) {
                    confirmAndGain(indexed.leaseKey());
                }
            } else if (indexed.counter() != mine.counter()
                    || (indexed.handoffTo().isPresent() && !handoffsSignalled.contains(indexed.leaseKey()))) {
                // confirm with a consistent read: the index may be behind this worker's own snapshot
                Optional<Lease> current = table.get(indexed.leaseKey());
                if (current.isEmpty() || !current.get().isOwnedBy(workerId)) {
                    loseLease(
                            indexed.leaseKey(),
                            current.map(l -> "now owned by " + l.owner().orElse("nobody"))
                                    .orElse("the lease was deleted"));
                } else if (current.get().counter() != mine.counter()) {
                    // The counter moves only with ownership: the lease went elsewhere and came back meanwhile.
                    // Whatever this worker was doing with it is stale; start over from the stored checkpoint.
                    loseLease(
                            indexed.leaseKey(),
                            "it changed hands meanwhile (counter " + mine.counter() + " -> "
                                    + current.get().counter() + ")");
                    if (heartbeatFresh(now)) {
                        confirmAndGain(indexed.leaseKey());
                    }
                } else {
                    held.put(indexed.leaseKey(), current.get());
                    signalHandoffIfMarked(current.get());
                }
            }
        }
        for (String leaseKey : new TreeSet<>(held.keySet())) {
            if (!byKey.containsKey(leaseKey)) {
                Lease mine = held.get(leaseKey);
                Optional<Lease> current = table.get(leaseKey);
                if (current.isPresent()
                        && current.get().isOwnedBy(workerId)
                        && current.get().counter() == mine.counter()) {
                    held.put(leaseKey, current.get()); // the index is behind
                } else {
                    loseLease(
                            leaseKey,
                            current.map(l -> "now owned by " + l.owner().orElse("nobody") + " (counter " + l.counter()
                                            + ")")
                                    .orElse("the lease was deleted"));
                }
            }
        }
    }

    private void confirmAndGain(String leaseKey) {
        Optional<Lease> current = table.get(leaseKey);
        if (current.isEmpty() || !current.get().isOwnedBy(workerId)) {
            return; // the index was behind
        }
        Lease lease = current.get();
        if (lease.isFinished()) {
            return; // read to its end already: there is nothing to consume
        }
        if (!draining
                && lease.handoffTo().isEmpty()
                && Long.valueOf(lease.counter()).equals(letGo.get(leaseKey))) {
            // The same holding this worker let go of: take it anew, so the earlier holding's writes cannot pass.
            try {
                if (!(table.assign(lease, workerId) instanceof LeaseWrite.Applied renewed)) {
                    return; // it moved meanwhile
                }
                lease = renewed.stored();
            } catch (LeaseTableException e) {
                log.debug("{} could not renew its holding of {} yet: {}", workerId, leaseKey, e.getMessage());
                return; // tried again at the next poll
            }
        }
        letGo.remove(leaseKey);
        if (draining) {
            // assigned while this worker is leaving: give it straight back, nothing was read from it
            releaseQuietly(lease, Optional.empty());
            return;
        }
        if (lease.handoffTo().isPresent()) {
            // marked for handoff before this worker started reading it: hand it on directly
            releaseQuietly(lease, verifiedSuccessor(lease.handoffTo().get()));
            return;
        }
        held.put(leaseKey, lease);
        log.info("{} gained {} (counter {})", workerId, leaseKey, lease.counter());
        listener.leaseGained(lease);
    }

    private void signalHandoffIfMarked(Lease lease) {
        if (lease.handoffTo().isPresent() && handoffsSignalled.add(lease.leaseKey())) {
            log.info(
                    "{} handing {} off to {}",
                    workerId,
                    lease.leaseKey(),
                    lease.handoffTo().get());
            listener.handoffRequested(lease);
        }
    }

    /** Drops the holding of {@code leaseKey} only if it still is the one with {@code counter}. */
    private void loseLease(String leaseKey, long counter, String reason) {
        Lease mine = held.get(leaseKey);
        if (mine != null && mine.counter() == counter) {
            loseLease(leaseKey, reason);
        }
    }

    private void loseLease(String leaseKey, String reason) {
        Lease mine = held.remove(leaseKey);
        if (mine != null) {
            letGo.put(leaseKey, mine.counter());
            if (leaving) {
                lostWhileLeaving++;
            }
            handoffsSignalled.remove(leaseKey);
            shutdownSuccessors.remove(leaseKey);
            log.info("{} lost {}: {}", workerId, leaseKey, reason);
            listener.leaseLost(leaseKey, reason);
            finishShutdownIfDone();
        }
    }

    private void drainCompletions() {
        String leaseKey;
        while ((leaseKey = completions.poll()) != null) {
            // Stop holding before the release is written, so the successor can never hold it at the same time.
            Lease lease = held.remove(leaseKey);
            if (lease != null) {
                handoffsSignalled.remove(leaseKey);
                Optional<String> successor = shutdownSuccessors.containsKey(leaseKey)
                        ? shutdownSuccessors.remove(leaseKey).flatMap(this::verifiedSuccessor)
                        : lease.handoffTo().flatMap(this::verifiedSuccessor);
                if (lease.isFinished()) {
                    successor = Optional.empty(); // it ended meanwhile: nobody needs to read it again
                }
                releasing.put(leaseKey, new Release(lease, successor));
            }
        }
        for (Release release : new ArrayList<>(releasing.values())) {
            String key = release.lease().leaseKey();
            try {
                LeaseWrite write = table.release(release.lease(), release.successor());
                releasing.remove(key);
                if (write.applied()) {
                    log.info(
                            "{} handed {} to {}",
                            workerId,
                            key,
                            release.successor().orElse("nobody"));
                    leader.requestScan();
                } else {
                    log.info("{} could not hand {} off: it had already moved", workerId, key);
                }
            } catch (LeaseTableException e) {
                // kept in releasing: retried next tick (if it applied after all, the retry conflicts harmlessly)
                log.warn("{} handoff of {} failed, retrying: {}", workerId, key, e.getMessage());
                return;
            }
        }
        finishShutdownIfDone();
    }

    /** {@code worker} if it still has a heartbeat item and is not leaving; otherwise nobody (the leader decides). */
    private Optional<String> verifiedSuccessor(String worker) {
        try {
            Heartbeat heartbeat = registry.heartbeats(List.of(worker)).get(worker);
            return heartbeat == null || heartbeat.draining() ? Optional.empty() : Optional.of(worker);
        } catch (LeaseTableException e) {
            return Optional.empty();
        }
    }

    private void beginShutdown(CompletableFuture<Boolean> done) {
        if (shutdown != null) {
            shutdown.whenComplete((clean, error) -> done.complete(Boolean.TRUE.equals(clean)));
            return;
        }
        leaving = true;
        revokeIfStale(ticker.nanos()); // leases others may have taken meanwhile are not this worker's to hand off
        shutdown = done;
        draining = true;
        nextHeartbeatAt = ticker.nanos(); // tell the leader at once: no new leases
        heartbeatIfDue(ticker.nanos());
        List<Lease> leaving = new ArrayList<>(held.values());
        leaving.sort(java.util.Comparator.comparing(Lease::leaseKey));
        Map<String, Optional<String>> successors = Map.of();
        try {
            successors = pickSuccessors(leaving, ticker.nanos());
        } catch (LeaseTableException e) {
            log.warn("{} cannot read the fleet to pick successors; releasing to nobody: {}", workerId, e.getMessage());
        }
        for (Lease lease : leaving) {
            shutdownSuccessors.put(lease.leaseKey(), successors.getOrDefault(lease.leaseKey(), Optional.empty()));
            if (handoffsSignalled.add(lease.leaseKey())) {
                listener.handoffRequested(lease);
            }
        }
        finishShutdownIfDone();
    }

    /**
     * A successor for each lease this worker hands off on shutdown: only workers it has seen alive (their heartbeat
     * counter moved within the failover time, on this worker's clock) and not draining, each given leases up to
     * {@code maxLeasesPerWorker} counting those it owns already, the least loaded first. A lease no such worker can
     * take is released to nobody, for the leader to assign.
     */
    private Map<String, Optional<String>> pickSuccessors(List<Lease> leases, long now) {
        Set<String> candidates = leader.liveSuccessors(now);
        Map<String, Integer> load = new HashMap<>();
        candidates.forEach(c -> load.put(c, 0));
        int max = config.limits().maxLeasesPerWorker();
        if (!candidates.isEmpty() && max != Integer.MAX_VALUE) {
            for (Lease lease : table.listLeases()) {
                lease.owner().filter(load::containsKey).ifPresent(owner -> load.merge(owner, 1, Integer::sum));
            }
        }
        Map<String, Optional<String>> successors = new HashMap<>();
        for (Lease lease : leases) {
            Optional<String> successor = load.entrySet().stream()
                    .filter(e -> e.getValue() < max)
                    .min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey);
            successor.ifPresent(s -> load.merge(s, 1, Integer::sum));
            successors.put(lease.leaseKey(), successor);
        }
        return successors;
    }

    private void finishShutdownIfDone() {
        if (shutdown != null && !shutdown.isDone() && held.isEmpty() && releasing.isEmpty()) {
            finishShutdown(lostWhileLeaving == 0); // a lease revoked or taken meanwhile was not handed off
        }
    }

    private void finishShutdown(boolean clean) {
        running = false;
        if (nextTick != null) {
            nextTick.cancel();
        }
        leader.stepDown("this worker is leaving the fleet");
        try {
            registry.removeWorker(workerId);
        } catch (LeaseTableException e) {
            log.warn("{} could not delete its heartbeat item; the leader will: {}", workerId, e.getMessage());
        }
        log.info("{} left the fleet ({})", workerId, clean ? "every lease handed off" : "not every lease handed off");
        shutdown.complete(clean);
    }

    private void releaseQuietly(Lease lease, Optional<String> successor) {
        try {
            table.release(lease, successor);
        } catch (LeaseTableException e) {
            log.warn("{} could not release {}: {}", workerId, lease.leaseKey(), e.getMessage());
        }
    }

    /** A lease this worker has stopped holding and still has to release. */
    private record Release(Lease lease, Optional<String> successor) {}

    @Override
    public String toString() {
        return "LeaseCoordinator[" + workerId + ", " + held.size() + " leases" + (leader.isLeader() ? ", leader" : "")
                + "]";
    }
}
