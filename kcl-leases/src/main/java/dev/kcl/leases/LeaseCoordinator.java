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
 *       from a long pause sees at once that it may not deliver.
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
    private final Set<String> handoffsSignalled = new HashSet<>();
    private final Map<String, Optional<String>> shutdownSuccessors = new HashMap<>();
    private boolean draining;
    private boolean running;
    private boolean revoked;
    private CompletableFuture<Boolean> shutdown;
    private TaskScheduler.Cancellable nextTick;

    public LeaseCoordinator(String workerId, LeaseTable table, WorkerRegistry registry, LeaseConfig config,
            LeaseListener listener, Ticker ticker, TaskScheduler scheduler) {
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
        if (expected == null || !heartbeatFresh(ticker.nanos())) {
            return new LeaseWrite.Conflict(leaseKey);
        }
        LeaseWrite write = table.updateProgress(expected, change.apply(expected));
        if (write instanceof LeaseWrite.Applied applied) {
            held.computeIfPresent(leaseKey, (k, current) -> newer(current, applied.stored()));
            return write;
        }
        // The tick thread may have refreshed the snapshot meanwhile (say the counter moved with ownership kept):
        // check once with a consistent read before giving up.
        Optional<Lease> current = table.get(leaseKey);
        if (current.isPresent() && current.get().isOwnedBy(workerId) && held.containsKey(leaseKey)) {
            held.put(leaseKey, current.get());
            LeaseWrite retry = table.updateProgress(current.get(), change.apply(current.get()));
            if (retry instanceof LeaseWrite.Applied applied) {
                held.computeIfPresent(leaseKey, (k, c) -> newer(c, applied.stored()));
                return retry;
            }
        }
        scheduler.execute(() -> loseLease(leaseKey, "a fenced write was rejected: the lease moved"));
        return new LeaseWrite.Conflict(leaseKey);
    }

    /** One round of the protocol. Runs on the scheduler's thread; package-private so simulations can drive it. */
    void tick() {
        long now = ticker.nanos();
        heartbeatIfDue(now);
        fenceIfStale(now);
        drainCompletions();
        try {
            if (now - nextPollAt >= 0) {
                nextPollAt = now + config.pollInterval().toNanos();
                refreshOwnership(now);
            }
            leader.tick(now, heartbeatFresh(now), draining);
        } catch (LeaseTableException e) {
            log.warn("{} lease round failed ({}): {}", workerId, e.retryable() ? "will retry" : "not retryable",
                    e.getMessage());
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
            revoked = false;
        } catch (LeaseTableException e) {
            if (heartbeatFailures++ == 0) {
                log.warn("{} heartbeat failed, retrying: {}", workerId, e.getMessage());
            }
            // retry well before the self-fencing deadline
            nextHeartbeatAt = now + Math.min(config.heartbeatInterval().toNanos(), config.pollInterval().toNanos());
        }
    }

    private void fenceIfStale(long now) {
        if (heartbeatFresh(now) || held.isEmpty() || revoked) {
            return;
        }
        revoked = true;
        log.warn("{} has not written a heartbeat for {}: dropping its {} leases before other workers may take them",
                workerId, config.selfFenceAfter(), held.size());
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
            if (mine == null) {
                if (heartbeatFresh(now)) {
                    confirmAndGain(indexed.leaseKey());
                }
            } else if (indexed.counter() != mine.counter() || !indexed.handoffTo().equals(mine.handoffTo())) {
                table.get(indexed.leaseKey()).ifPresentOrElse(current -> {
                    if (current.isOwnedBy(workerId)) {
                        held.put(current.leaseKey(), newer(mine, current));
                        signalHandoffIfMarked(current);
                    } else {
                        loseLease(current.leaseKey(), "now owned by " + current.owner().orElse("nobody"));
                    }
                }, () -> loseLease(indexed.leaseKey(), "the lease was deleted"));
            }
        }
        for (String leaseKey : new TreeSet<>(held.keySet())) {
            if (!byKey.containsKey(leaseKey)) {
                Optional<Lease> current = table.get(leaseKey);
                if (current.isPresent() && current.get().isOwnedBy(workerId)) {
                    held.computeIfPresent(leaseKey, (k, mine) -> newer(mine, current.get())); // index lag
                } else {
                    loseLease(leaseKey, current.map(l -> "now owned by " + l.owner().orElse("nobody"))
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
            log.info("{} handing {} off to {}", workerId, lease.leaseKey(), lease.handoffTo().get());
            listener.handoffRequested(lease);
        }
    }

    private void loseLease(String leaseKey, String reason) {
        if (held.remove(leaseKey) != null) {
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
            Lease lease = held.get(leaseKey);
            if (lease == null) {
                continue; // lost meanwhile
            }
            Optional<String> successor = shutdownSuccessors.containsKey(leaseKey)
                    ? shutdownSuccessors.get(leaseKey).flatMap(this::verifiedSuccessor)
                    : lease.handoffTo().flatMap(this::verifiedSuccessor);
            try {
                LeaseWrite write = table.release(lease, successor);
                held.remove(leaseKey);
                handoffsSignalled.remove(leaseKey);
                shutdownSuccessors.remove(leaseKey);
                if (write.applied()) {
                    log.info("{} handed {} to {}", workerId, leaseKey, successor.orElse("nobody"));
                    leader.requestScan();
                } else {
                    log.info("{} could not hand {} off: it had already moved", workerId, leaseKey);
                }
                finishShutdownIfDone();
            } catch (LeaseTableException e) {
                log.warn("{} handoff of {} failed, retrying: {}", workerId, leaseKey, e.getMessage());
                completions.add(leaseKey);
                return;
            }
        }
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
        shutdown = done;
        draining = true;
        nextHeartbeatAt = ticker.nanos(); // tell the leader at once: no new leases
        heartbeatIfDue(ticker.nanos());
        List<String> successors = List.of();
        try {
            successors = otherActiveWorkers();
        } catch (LeaseTableException e) {
            log.warn("{} cannot read the fleet to pick successors; releasing to nobody: {}", workerId, e.getMessage());
        }
        int next = 0;
        for (Lease lease : new ArrayList<>(held.values())) {
            Optional<String> successor = successors.isEmpty() ? Optional.empty()
                    : Optional.of(successors.get(next++ % successors.size()));
            shutdownSuccessors.put(lease.leaseKey(), successor);
            if (handoffsSignalled.add(lease.leaseKey())) {
                listener.handoffRequested(lease);
            }
        }
        finishShutdownIfDone();
    }

    private List<String> otherActiveWorkers() {
        List<String> ids = new ArrayList<>(registry.workerIds());
        ids.remove(workerId);
        List<String> active = new ArrayList<>();
        registry.heartbeats(ids).values().stream()
                .filter(h -> !h.draining())
                .map(Heartbeat::workerId)
                .sorted()
                .forEach(active::add);
        return active;
    }

    private void finishShutdownIfDone() {
        if (shutdown != null && !shutdown.isDone() && held.isEmpty()) {
            finishShutdown(true);
        }
    }

    private void finishShutdown(boolean clean) {
        running = false;
        if (nextTick != null) {
            nextTick.cancel();
        }
        leader.stepDown();
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

    private static Lease newer(Lease a, Lease b) {
        return b.counter() >= a.counter() ? b : a;
    }

    @Override
    public String toString() {
        return "LeaseCoordinator[" + workerId + ", " + held.size() + " leases" + (leader.isLeader() ? ", leader" : "")
                + "]";
    }
}
