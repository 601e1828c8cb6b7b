package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, deterministic simulation of the lease protocol (after Kafka's raft event simulation): 1-20 workers and
 * 1-2,000 leases on one fake clock, with crashes, pauses longer than the failover time, injected table faults
 * (throttling, timeouts, writes applied but reported failed), network cuts, workers joining and leaving, and owners
 * writing checkpoints all along. Invariants are checked after every 100 ms step; a failure names its seed.
 */
class LeaseProtocolSimulationTest {
    private static final Logger log = LoggerFactory.getLogger(LeaseProtocolSimulationTest.class);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final LeaseConfig CONFIG =
            LeaseConfig.builder().failoverTime(Duration.ofSeconds(10)).build();
    /**
     * How long past the failover time a lease may stay without a live owner while some worker lives, counted from
     * the latest of: when it lost its live owner; when its owner last wrote a heartbeat (others may not take the
     * lease before that heartbeat has stood still for the failover time, even if the owner only woke for a moment);
     * when the leader was last struck (a successor takes over only after the failover time); and when the
     * longest-living of the live workers became live (one that has just joined, woken or got its network back must
     * see the others' heartbeats stand still for the failover time before it may take over from them).
     *
     * <p>On top of the failover time a takeover needs: up to two heartbeat intervals (6.7 s) because a follower
     * reads the fleet's heartbeats once per interval, dates a change to the read that saw it, and may miss a read to
     * a fault; the followers' watch of the leader (1.7 s); and a scan, assignment or poll retried under the injected
     * faults (a few 0.5 s polls). The longest measured over 1,000 seeds was noted in docs/leases.md.
     */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(12);

    static LongStream seeds() {
        Long only = Long.getLong("kcl.simulation.seed");
        return only != null ? LongStream.of(only) : LongStream.range(0, Long.getLong("kcl.simulation.seeds", 40));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theProtocolKeepsItsGuarantees(long seed) {
        new Simulation(seed).run();
    }

    private static final class Simulation {
        final long seed;
        final Random random;
        final Fleet fleet;
        final Map<String, FaultyLeaseTable> faults = new HashMap<>();
        final Map<String, Long> counters = new HashMap<>();
        final Map<String, BigInteger> checkpoints = new HashMap<>();
        /** (worker, lease) -> when it was first seen holding a lease the table gives to someone else. */
        final Map<String, Long> staleSince = new HashMap<>();

        /** (lease) -> since when it has had no live owner while some worker lived. */
        final Map<String, Long> orphanedSince = new HashMap<>();
        /** (worker) -> its heartbeat counter in the table at the last step. */
        final Map<String, Long> heartbeatCounters = new HashMap<>();
        /** (worker) -> when its heartbeat counter in the table last changed. */
        final Map<String, Long> lastHeartbeatAt = new HashMap<>();
        /** When the worker the leader item named last crashed, paused, lost its network or left. */
        long leaderStruckAt = Long.MIN_VALUE;
        /** (live worker) -> since when it has been live without a break. */
        final Map<String, Long> liveSince = new HashMap<>();

        long longestOrphan;

        final Map<String, Long> pausedUntil = new HashMap<>();
        final Map<String, Long> pausedAt = new HashMap<>();
        /** What each paused worker held when it stopped: the snapshots its stalled consumers would still write with. */
        final Map<String, List<Lease>> pausedHoldings = new HashMap<>();

        long zombieWritesRefused;
        final Map<String, Long> cutUntil = new HashMap<>();
        int nextWorker;
        int crashes;
        int pauses;
        int joins;
        int leaves;
        int cuts;

        Simulation(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.fleet = new Fleet(CONFIG, null, null, random);
        }

        void run() {
            int workers = 1 + random.nextInt(20);
            int leases = random.nextInt(4) == 0 ? 1 + random.nextInt(2000) : 1 + random.nextInt(200);
            fleet.createLeases(leases);
            for (int i = 0; i < workers; i++) {
                startWorker();
            }
            Duration chaos = Duration.ofSeconds(60 + random.nextInt(60));
            for (long t = 0; t < chaos.toNanos(); t += STEP.toNanos()) {
                chaosEvents();
                fleet.step(STEP);
                writeProgress();
                checkInvariants();
                checkPausedWorkersAreFenced();
            }
            quiesce();
            // Rebalancing moves a bounded number of live leases per round, so a big imbalance takes a while.
            Duration limit = Duration.ofSeconds(120).plus(Duration.ofMillis(300L * leases));
            Duration settle = Duration.ofSeconds(0);
            while (!settled()) {
                fleet.step(STEP);
                writeProgress();
                checkInvariants();
                settle = settle.plus(STEP);
                if (settle.compareTo(limit) > 0) {
                    fail(context("the fleet did not settle within " + limit + " after the chaos stopped: "
                            + fleet.describe()));
                }
            }
            checkBalanced();
            checkOneLeader();
            log.info(
                    "seed {}: {} workers, {} leases; longest without a live owner past its clock's start {}; {} stalled"
                            + " writes of paused workers refused",
                    seed,
                    workers,
                    leases,
                    Duration.ofNanos(longestOrphan),
                    zombieWritesRefused);
        }

        /** Logs a chaos event, and notes the time if it struck the leader. */
        void chaos(String worker, String event) {
            if (fleet.store.leader().filter(l -> l.leaderId().equals(worker)).isPresent()) {
                leaderStruckAt = fleet.time.nanos();
            }
            chaos(worker + " " + event);
        }

        void chaos(String event) {
            log.info("seed {} at t={}: {}", seed, Duration.ofNanos(fleet.time.nanos()), event);
        }

        String context(String message) {
            return "seed " + seed + " at t=" + Duration.ofNanos(fleet.time.nanos()) + " (" + crashes + " crashes, "
                    + pauses + " pauses, " + cuts + " cuts, " + joins + " joins, " + leaves + " leaves): " + message;
        }

        void startWorker() {
            String id = "w" + nextWorker++;
            FaultyLeaseTable faulty = new FaultyLeaseTable(fleet.store, fleet.store, new Random(random.nextLong()));
            if (random.nextInt(3) == 0) {
                faulty.faultRate(0.02 + random.nextDouble() * 0.1);
            }
            if (random.nextInt(3) == 0) {
                faulty.laggingIndex(0.3 + random.nextDouble() * 0.5); // behind for one to a few polls
            }
            faults.put(id, faulty);
            fleet.start(id, faulty, faulty);
        }

        List<Fleet.Member> running() {
            return fleet.members.values().stream().filter(Fleet.Member::running).toList();
        }

        void chaosEvents() {
            long now = fleet.time.nanos();
            // wake paused workers and restore cut networks whose time has come
            pausedUntil.entrySet().removeIf(e -> {
                if (now - e.getValue() >= 0) {
                    chaos(e.getKey() + " wakes up");
                    wakeZombie(fleet.member(e.getKey()));
                    return true;
                }
                return false;
            });
            cutUntil.entrySet().removeIf(e -> {
                if (now - e.getValue() >= 0) {
                    chaos(e.getKey() + " has its network back");
                    faults.get(e.getKey()).down(false);
                    return true;
                }
                return false;
            });
            List<Fleet.Member> running = running();
            double roll = random.nextDouble();
            if (roll < 0.004 && running.size() > 1) {
                Fleet.Member member = pick(running);
                chaos(member.id, "crashes");
                member.crash();
                crashes++;
            } else if (roll < 0.008 && running.size() > 1) {
                Fleet.Member member = pick(running);
                pausedHoldings.put(
                        member.id,
                        member.coordinator.heldLeaseKeys().stream()
                                .map(member.coordinator::heldLease)
                                .flatMap(Optional::stream)
                                .toList());
                chaos(member.id, "pauses");
                member.pause();
                pausedAt.put(member.id, now);
                pausedUntil.put(
                        member.id,
                        now
                                + CONFIG.failoverTime().toNanos()
                                + (long) (random.nextDouble()
                                        * 2
                                        * CONFIG.failoverTime().toNanos()));
                pauses++;
            } else if (roll < 0.011 && running.size() > 1) {
                Fleet.Member member = pick(running);
                if (!cutUntil.containsKey(member.id)) {
                    chaos(member.id, "loses its network");
                    faults.get(member.id).down(true);
                    cutUntil.put(
                            member.id,
                            now
                                    + (long) (random.nextDouble()
                                            * 3
                                            * CONFIG.failoverTime().toNanos()));
                    cuts++;
                }
            } else if (roll < 0.015
                    && fleet.members.values().stream()
                                    .filter(m -> m.state != Fleet.State.CRASHED && m.state != Fleet.State.LEFT)
                                    .count()
                            < 20) {
                chaos("w" + nextWorker + " joins");
                startWorker();
                joins++;
            } else if (roll < 0.017 && running.size() > 1) {
                Fleet.Member member = pick(running);
                chaos(member.id, "shuts down");
                member.shutdown();
                leaves++;
            }
        }

        /**
         * A worker paused past the failover time wakes: before it runs it must hold nothing others took, its stalled
         * consumers' writes must be refused by the table, and after its first tick it must still hold nothing others
         * own, whatever that tick could read.
         */
        void wakeZombie(Fleet.Member zombie) {
            long paused = fleet.time.nanos() - pausedAt.remove(zombie.id);
            List<Lease> holdings = pausedHoldings.remove(zombie.id);
            if (paused < CONFIG.failoverTime().toNanos()) {
                zombie.resume(); // woken early when the chaos stopped: not a zombie
                return;
            }
            for (Lease lease : fleet.store.snapshot()) {
                if (!lease.isOwnedBy(zombie.id) && zombie.coordinator.holds(lease.leaseKey())) {
                    fail(context(zombie.id + " woke up still holding " + lease.leaseKey() + " owned by "
                            + lease.owner().orElse("nobody")));
                }
                if (!lease.isOwnedBy(zombie.id)) {
                    assertThat(zombie.coordinator.updateProgress(lease.leaseKey(), l -> l))
                            .as(context("a zombie's fenced write"))
                            .isInstanceOf(LeaseWrite.Conflict.class);
                }
            }
            writeAsZombie(zombie, holdings);
            zombie.resume();
            zombie.scheduler.runDueTasks();
            for (Lease lease : fleet.store.snapshot()) {
                if (!lease.isOwnedBy(zombie.id) && zombie.coordinator.holds(lease.leaseKey())) {
                    fail(context(zombie.id + " still holds " + lease.leaseKey() + ", owned by "
                            + lease.owner().orElse("nobody") + ", after its first tick awake"));
                }
            }
        }

        /** Now and then during a pause, the paused worker's stalled consumers write with what they hold. */
        void checkPausedWorkersAreFenced() {
            long now = fleet.time.nanos();
            for (Map.Entry<String, Long> paused : pausedAt.entrySet()) {
                if (now - paused.getValue() >= CONFIG.failoverTime().toNanos() && random.nextInt(20) == 0) {
                    writeAsZombie(fleet.member(paused.getKey()), pausedHoldings.get(paused.getKey()));
                }
            }
        }

        /**
         * Checkpoint writes, straight to the table, with the snapshots a paused worker held when it stopped (its old
         * owner and counter): each lease that has since changed hands must refuse them and stay as it is.
         */
        void writeAsZombie(Fleet.Member zombie, List<Lease> holdings) {
            for (Lease held : holdings) {
                Optional<Lease> stored = fleet.store.get(held.leaseKey());
                if (stored.isPresent() && stored.get().hasSameOwnershipAs(held)) {
                    continue; // still the zombie's in the table: nobody has taken it yet, so its write may land
                }
                BigInteger position = zombie.listener.positions.getOrDefault(held.leaseKey(), BigInteger.ZERO);
                Lease progress = held.toBuilder()
                        .checkpoint(
                                StoredCheckpoint.of(position.add(BigInteger.ONE).toString()))
                        .build();
                assertThat(fleet.store.updateProgress(held, progress))
                        .as(context(zombie.id + "'s stalled checkpoint for " + held.leaseKey() + " (counter "
                                + held.counter() + "), now "
                                + stored.map(Lease::toString).orElse("deleted")))
                        .isInstanceOf(LeaseWrite.Conflict.class);
                assertThat(fleet.store.get(held.leaseKey())).isEqualTo(stored);
                zombieWritesRefused++;
            }
        }

        Fleet.Member pick(List<Fleet.Member> members) {
            return members.get(random.nextInt(members.size()));
        }

        /** Consumers advance through their shards and checkpoint, each from where it started (see the listener). */
        void writeProgress() {
            for (Fleet.Member member : running()) {
                Map<String, BigInteger> positions = member.listener.positions;
                for (String key : new java.util.TreeSet<>(positions.keySet())) {
                    if (random.nextInt(10) != 0 || !member.coordinator.holds(key)) {
                        continue; // a consumer delivers only while its worker holds the lease
                    }
                    BigInteger next = positions.get(key).add(BigInteger.valueOf(1 + random.nextInt(5)));
                    positions.put(key, next);
                    try {
                        member.coordinator.updateProgress(
                                key,
                                l -> l.toBuilder()
                                        .checkpoint(StoredCheckpoint.of(next.toString()))
                                        .build());
                    } catch (LeaseTableException e) {
                        // may or may not have applied; the consumer goes on and checkpoints again later
                    }
                }
            }
        }

        void checkInvariants() {
            long now = fleet.time.nanos();
            Map<String, Lease> byKey = new HashMap<>();
            for (Lease lease : fleet.store.snapshot()) {
                byKey.put(lease.leaseKey(), lease);
                Long previous = counters.put(lease.leaseKey(), lease.counter());
                if (previous != null && lease.counter() < previous) {
                    fail(context(lease.leaseKey() + " counter went back from " + previous + " to " + lease.counter()));
                }
                BigInteger checkpoint = lease.checkpoint()
                        .filter(c -> c.sequenceNumber().matches("\\d+"))
                        .map(c -> new BigInteger(c.sequenceNumber()))
                        .orElse(BigInteger.ZERO);
                BigInteger before = checkpoints.put(lease.leaseKey(), checkpoint);
                if (before != null && checkpoint.compareTo(before) < 0) {
                    fail(context(lease.leaseKey() + " checkpoint went back from " + before + " to " + checkpoint));
                }
            }
            // A worker may believe it holds a lease that moved (a forced handoff, a slow poll) only briefly:
            // it must stop within the failover time.
            Map<String, Long> stillStale = new HashMap<>();
            for (Fleet.Member member : fleet.members.values()) {
                if (member.state == Fleet.State.CRASHED || member.state == Fleet.State.LEFT) {
                    continue;
                }
                for (String key : member.coordinator.heldLeaseKeys()) {
                    Lease lease = byKey.get(key);
                    if (lease != null && !lease.isOwnedBy(member.id)) {
                        String slot = member.id + "/" + key;
                        long since = staleSince.getOrDefault(slot, now);
                        stillStale.put(slot, since);
                        if (now - since > CONFIG.failoverTime().toNanos()) {
                            fail(context(member.id + " kept holding " + key + " for more than " + CONFIG.failoverTime()
                                    + " after it moved to " + lease.owner().orElse("nobody")));
                        }
                    }
                }
            }
            staleSince.clear();
            staleSince.putAll(stillStale);
            checkEveryLeaseFindsALiveOwner(byKey.values());
        }

        /**
         * While at least one worker lives (running, its network not cut), no lease stays unowned or owned by a dead,
         * paused, cut or departed worker for longer than the failover time plus {@link #TAKEOVER_BOUND}.
         */
        void checkEveryLeaseFindsALiveOwner(java.util.Collection<Lease> leases) {
            long now = fleet.time.nanos();
            java.util.Set<String> live = new java.util.HashSet<>();
            for (Fleet.Member member : running()) {
                if (!cutUntil.containsKey(member.id)) {
                    live.add(member.id);
                }
            }
            fleet.store.heartbeats(fleet.members.keySet()).forEach((worker, heartbeat) -> {
                Long before = heartbeatCounters.put(worker, heartbeat.counter());
                if (before == null || before != heartbeat.counter()) {
                    lastHeartbeatAt.put(worker, now);
                }
            });
            liveSince.keySet().retainAll(live);
            live.forEach(worker -> liveSince.putIfAbsent(worker, now));
            long fleetLiveSince =
                    liveSince.values().stream().mapToLong(Long::longValue).min().orElse(now);
            long limit = CONFIG.failoverTime().plus(TAKEOVER_BOUND).toNanos();
            for (Lease lease : leases) {
                if (live.isEmpty()) {
                    break; // nobody can take anything: the clock starts again once a worker lives
                }
                if (lease.isFinished() || lease.owner().filter(live::contains).isPresent()) {
                    orphanedSince.remove(lease.leaseKey());
                    continue;
                }
                long ownerBeatAt = lease.owner().map(lastHeartbeatAt::get).orElse(Long.MIN_VALUE);
                long since = LongStream.of(
                                orphanedSince.computeIfAbsent(lease.leaseKey(), k -> now),
                                ownerBeatAt,
                                leaderStruckAt,
                                fleetLiveSince)
                        .max()
                        .getAsLong();
                longestOrphan = Math.max(longestOrphan, now - since);
                if (now - since > limit) {
                    fail(context(lease.leaseKey() + " has had no live owner for "
                            + Duration.ofNanos(now - since) + " (owner "
                            + lease.owner().orElse("nobody")
                            + ", live workers " + new java.util.TreeSet<>(live) + ")"));
                }
            }
            if (live.isEmpty()) {
                orphanedSince.clear();
            }
        }

        /** After quiescence exactly one running worker leads, the one the leader item names, and it stays so. */
        void checkOneLeader() {
            for (int i = 0; i < 50; i++) {
                fleet.step(STEP);
                List<String> leaders = running().stream()
                        .filter(m -> m.coordinator.isLeader())
                        .map(m -> m.id)
                        .toList();
                assertThat(leaders).as(context("workers that lead")).hasSizeLessThanOrEqualTo(1);
                if (i == 49) {
                    assertThat(leaders)
                            .as(context("the worker that leads"))
                            .containsExactly(fleet.store.leader().orElseThrow().leaderId());
                }
            }
        }

        void quiesce() {
            new java.util.TreeSet<>(pausedUntil.keySet()).forEach(id -> wakeZombie(fleet.member(id)));
            pausedUntil.clear();
            cutUntil.keySet().forEach(id -> faults.get(id).down(false));
            cutUntil.clear();
            faults.values().forEach(f -> f.faultRate(0));
            if (running().isEmpty()) {
                startWorker();
            }
        }

        boolean settled() {
            Map<String, Integer> held = new HashMap<>();
            for (Fleet.Member member : running()) {
                held.put(member.id, member.coordinator.heldLeaseKeys().size());
            }
            for (Lease lease : fleet.store.snapshot()) {
                if (lease.isFinished()) {
                    continue;
                }
                Optional<Fleet.Member> owner = lease.owner().map(fleet::member).filter(Fleet.Member::running);
                if (owner.isEmpty()
                        || !owner.get().coordinator.holds(lease.leaseKey())
                        || lease.handoffTo().isPresent()) {
                    return false;
                }
            }
            IntSummaryStatistics stats =
                    held.values().stream().mapToInt(Integer::intValue).summaryStatistics();
            return stats.getMax() - stats.getMin() <= 1;
        }

        void checkBalanced() {
            List<Integer> counts = new ArrayList<>();
            for (Fleet.Member member : running()) {
                counts.add((int) fleet.store.snapshot().stream()
                        .filter(l -> l.isOwnedBy(member.id))
                        .count());
            }
            IntSummaryStatistics stats =
                    counts.stream().mapToInt(Integer::intValue).summaryStatistics();
            assertThat(stats.getMax() - stats.getMin())
                    .as(context("lease counts " + counts))
                    .isLessThanOrEqualTo(1);
            assertThat(fleet.store.snapshot())
                    .as(context("every lease owned"))
                    .allSatisfy(l -> assertThat(l.owner()).isPresent());
        }
    }
}
