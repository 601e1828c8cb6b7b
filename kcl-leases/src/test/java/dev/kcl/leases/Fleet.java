package dev.kcl.leases;

import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Workers sharing one lease table, driven by one fake clock on the test thread: each has its own manual scheduler,
 * so a paused or crashed worker simply does not run.
 */
final class Fleet {
    final FakeTime time = new FakeTime();
    final InMemoryLeaseTable store = new InMemoryLeaseTable();
    final LeaseConfig config;
    final Map<String, Member> members = new LinkedHashMap<>();
    private final LeaseTable table;
    private final WorkerRegistry registry;
    private final Random random;

    Fleet(LeaseConfig config) {
        this(config, null, null, new Random(0));
    }

    Fleet(LeaseConfig config, LeaseTable table, WorkerRegistry registry, Random random) {
        this.config = config;
        this.table = table != null ? table : store;
        this.registry = registry != null ? registry : store;
        this.random = random;
    }

    void createLeases(int count) {
        for (int i = 0; i < count; i++) {
            store.create(
                    Lease.create(String.format("shardId-%012d", i), StoredCheckpoint.of("TRIM_HORIZON"), Set.of()));
        }
    }

    Member start(String id) {
        return start(id, table, registry);
    }

    Member start(String id, LeaseTable memberTable, WorkerRegistry memberRegistry) {
        Member member = new Member(id, memberTable, memberRegistry);
        members.put(id, member);
        member.coordinator.start();
        member.scheduler.runDueTasks();
        return member;
    }

    Member member(String id) {
        return members.get(id);
    }

    /** Moves time on by {@code step} and lets every running worker catch up, in a random order. */
    void step(Duration step) {
        time.advance(step);
        List<Member> running = new ArrayList<>(members.values());
        Collections.shuffle(running, random);
        for (Member member : running) {
            if (member.running()) {
                member.scheduler.runDueTasks();
            }
        }
    }

    void run(Duration total) {
        run(total, Duration.ofMillis(100));
    }

    void run(Duration total, Duration step) {
        for (long t = 0; t < total.toNanos(); t += step.toNanos()) {
            step(step);
        }
    }

    /** Runs until {@code condition} holds, at most {@code limit}; returns the simulated time it took. */
    Duration runUntil(Duration limit, java.util.function.BooleanSupplier condition) {
        long start = time.nanos();
        while (!condition.getAsBoolean()) {
            if (time.nanos() - start > limit.toNanos()) {
                throw new AssertionError("condition not reached within " + limit + "; " + describe());
            }
            step(Duration.ofMillis(100));
        }
        return Duration.ofNanos(time.nanos() - start);
    }

    /** Lease counts per owner, from the table. */
    Map<String, Integer> ownerCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Lease lease : store.snapshot()) {
            counts.merge(lease.owner().orElse("-"), 1, Integer::sum);
        }
        return counts;
    }

    /** Lease counts per worker, as each worker believes it holds them. */
    Map<String, Integer> heldCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        members.values().stream()
                .filter(Member::running)
                .forEach(m -> counts.put(m.id, m.coordinator.heldLeaseKeys().size()));
        return counts;
    }

    /** Keys held by more than one worker at this moment, by the workers' own {@link LeaseCoordinator#holds}. */
    List<String> doublyHeld() {
        Map<String, Integer> holders = new TreeMap<>();
        for (Member member : members.values()) {
            if (member.state == State.CRASHED) {
                continue;
            }
            for (Lease lease : store.snapshot()) {
                if (member.coordinator.holds(lease.leaseKey())) {
                    holders.merge(lease.leaseKey(), 1, Integer::sum);
                }
            }
        }
        List<String> doubles = new ArrayList<>();
        holders.forEach((key, n) -> {
            if (n > 1) {
                doubles.add(key);
            }
        });
        return doubles;
    }

    String describe() {
        return "owners " + ownerCounts() + ", held " + heldCounts() + ", leader " + store.leader();
    }

    enum State {
        RUNNING,
        PAUSED,
        CRASHED,
        LEFT
    }

    /** One worker: its scheduler, coordinator and listener. */
    final class Member {
        final String id;
        final ManualScheduler scheduler = new ManualScheduler(time);
        final LeaseCoordinator coordinator;
        final RecordingListener listener = new RecordingListener();
        State state = State.RUNNING;

        Member(String id, LeaseTable memberTable, WorkerRegistry memberRegistry) {
            this.id = id;
            this.coordinator = new LeaseCoordinator(id, memberTable, memberRegistry, config, listener, time, scheduler);
            listener.coordinator = coordinator;
        }

        boolean running() {
            return state == State.RUNNING;
        }

        void crash() {
            coordinator.halt();
            scheduler.runDueTasks();
            scheduler.clear();
            state = State.CRASHED;
        }

        void pause() {
            state = State.PAUSED;
        }

        void resume() {
            state = State.RUNNING;
        }

        java.util.concurrent.CompletableFuture<Boolean> shutdown() {
            var done = coordinator.shutdown();
            scheduler.runDueTasks();
            done.whenComplete((clean, error) -> state = State.LEFT);
            return done;
        }
    }

    /**
     * Records what a worker heard and acts as its consumers would: a consumer starts at the stored checkpoint when a
     * lease is gained, stops when it is lost, and on a handoff stops and completes it at once.
     */
    static final class RecordingListener implements LeaseListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        /** Per lease this worker consumes: how far its consumer has got. */
        final Map<String, java.math.BigInteger> positions = new java.util.concurrent.ConcurrentHashMap<>();

        volatile LeaseCoordinator coordinator;
        volatile boolean completeHandoffs = true;
        /** Told of each event as it is recorded, for tests that check what else was true at that moment. */
        volatile java.util.function.Consumer<String> onEvent = event -> {};

        private void record(String event) {
            events.add(event);
            onEvent.accept(event);
        }

        @Override
        public void leaseGained(Lease lease) {
            record("gained " + lease.leaseKey());
            positions.put(
                    lease.leaseKey(),
                    lease.checkpoint()
                            .filter(c -> c.sequenceNumber().matches("\\d+"))
                            .map(c -> new java.math.BigInteger(c.sequenceNumber()))
                            .orElse(java.math.BigInteger.ZERO));
        }

        @Override
        public void leaseLost(String leaseKey, String reason) {
            record("lost " + leaseKey);
            positions.remove(leaseKey);
        }

        @Override
        public void handoffRequested(Lease lease) {
            record("handoff " + lease.leaseKey());
            positions.remove(lease.leaseKey());
            if (completeHandoffs) {
                coordinator.completeHandoff(lease.leaseKey());
            }
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }
}
