package dev.kcl.internal.consumer;

import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a child shard back until every parent's lease is at SHARD_END (or gone, after cleanup). Woken at once when a
 * parent finishes on this worker; parents finishing on other workers are seen by a light re-check (one consistent
 * read per parent per interval). Thread-safe.
 */
public final class ParentGate {
    private static final Logger log = LoggerFactory.getLogger(ParentGate.class);

    private final LeaseTable table;
    private final TaskScheduler timer;
    private final Duration recheck;
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    private record Waiter(String child, Set<String> parents, CompletableFuture<Void> done) {}

    public ParentGate(LeaseTable table, TaskScheduler timer, Duration recheck) {
        this.table = table;
        this.timer = timer;
        this.recheck = recheck;
    }

    /** Completes when every parent has finished. */
    public CompletableFuture<Void> await(String child, Set<String> parents) {
        Waiter waiter = new Waiter(child, Set.copyOf(parents), new CompletableFuture<>());
        if (parents.isEmpty()) {
            waiter.done().complete(null);
            return waiter.done();
        }
        waiters.add(waiter);
        waiter.done().whenComplete((v, e) -> waiters.remove(waiter));
        timer.execute(() -> check(waiter));
        return waiter.done();
    }

    /** A shard finished on this worker: wake its children at once. */
    public void finished(String shardId) {
        for (Waiter waiter : new ArrayList<>(waiters)) {
            if (waiter.parents().contains(shardId)) {
                timer.execute(() -> check(waiter));
            }
        }
    }

    private void check(Waiter waiter) {
        if (waiter.done().isDone()) {
            return;
        }
        try {
            for (String parent : waiter.parents()) {
                Optional<Lease> lease = table.get(parent);
                if (lease.isPresent() && !lease.get().isFinished()) {
                    timer.schedule(() -> check(waiter), recheck);
                    return;
                }
            }
            log.info("{} parents {} have ended: starting", waiter.child(), waiter.parents());
            waiter.done().complete(null);
        } catch (LeaseTableException e) {
            log.warn("{} cannot read its parents' leases yet: {}", waiter.child(), e.getMessage());
            timer.schedule(() -> check(waiter), recheck);
        }
    }
}
