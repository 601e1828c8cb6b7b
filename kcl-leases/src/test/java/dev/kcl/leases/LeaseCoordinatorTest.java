package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LeaseCoordinatorTest {
    private final LeaseConfig config =
            LeaseConfig.builder().failoverTime(Duration.ofSeconds(10)).build();
    private final Fleet fleet = new Fleet(config);

    @Test
    void aLoneWorkerLeadsAndTakesEveryLeaseAtOnce() {
        fleet.createLeases(8);

        Fleet.Member a = fleet.start("a");
        Duration took = fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 8);

        assertThat(a.coordinator.isLeader()).isTrue();
        assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(a.listener.count("gained")).isEqualTo(8);
    }

    @Test
    void twoWorkersSplitTheLeasesEvenly() {
        fleet.createLeases(8);
        fleet.start("a");
        fleet.start("b");

        fleet.runUntil(Duration.ofSeconds(15), () -> fleet.heldCounts().equals(Map.of("a", 4, "b", 4)));

        assertThat(fleet.ownerCounts()).isEqualTo(Map.of("a", 4, "b", 4));
    }

    @Test
    void aJoiningWorkerGetsItsShareByHandoffWithoutDoubleOwnership() {
        fleet.createLeases(12);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 12);

        fleet.start("b");
        fleet.start("c");
        while (!fleet.heldCounts().equals(Map.of("a", 4, "b", 4, "c", 4))) {
            fleet.step(Duration.ofMillis(100));
            assertThat(fleet.doublyHeld()).as("at any moment").isEmpty();
            assertThat(fleet.time.nanos()).isLessThan(Duration.ofSeconds(60).toNanos());
        }

        assertThat(a.listener.count("handoff")).isEqualTo(8);
        assertThat(a.listener.count("lost")).isZero();
        assertThat(fleet.store.snapshot())
                .allSatisfy(l -> assertThat(l.handoffTo()).isEmpty());
    }

    @Test
    void aCrashedWorkersLeasesMoveWithinTheFailoverTimePlusThreeSeconds() {
        fleet.createLeases(8);
        Fleet.Member a = fleet.start("a");
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(15), () -> fleet.heldCounts().equals(Map.of("a", 4, "b", 4)));
        Fleet.Member victim = a.coordinator.isLeader() ? b : a;
        Fleet.Member survivor = victim == a ? b : a;

        victim.crash();
        Duration takeover = fleet.runUntil(
                Duration.ofSeconds(30),
                () -> survivor.coordinator.heldLeaseKeys().size() == 8);

        assertThat(takeover).isLessThanOrEqualTo(config.failoverTime().plusSeconds(3));
        assertThat(takeover).isGreaterThanOrEqualTo(config.failoverTime().minusSeconds(1));
    }

    @Test
    void aCrashedLeadersLeasesMoveWithinTheFailoverTimePlusThreeSeconds() {
        fleet.createLeases(8);
        Fleet.Member a = fleet.start("a");
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(15), () -> fleet.heldCounts().equals(Map.of("a", 4, "b", 4)));
        Fleet.Member leader = a.coordinator.isLeader() ? a : b;
        Fleet.Member follower = leader == a ? b : a;

        leader.crash();
        Duration takeover = fleet.runUntil(
                Duration.ofSeconds(30),
                () -> follower.coordinator.heldLeaseKeys().size() == 8);

        assertThat(follower.coordinator.isLeader()).isTrue();
        assertThat(takeover).isLessThanOrEqualTo(config.failoverTime().plusSeconds(3));
    }

    @Test
    void aWorkerThatCannotHeartbeatDropsItsLeasesBeforeAnyoneMayTakeThem() {
        // Given b's heartbeats start failing while a stays healthy
        fleet.createLeases(4);
        FaultyLeaseTable faultyForB = new FaultyLeaseTable(fleet.store, fleet.store, new java.util.Random(1));
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 4);
        Fleet.Member b = fleet.start("b", faultyForB, faultyForB);
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
        List<String> bLeases = List.copyOf(b.coordinator.heldLeaseKeys());

        faultyForB.failHeartbeats(true);
        long cutAt = fleet.time.nanos();
        long droppedAt = -1;
        long takenAt = -1;
        while (takenAt < 0) {
            fleet.step(Duration.ofMillis(100));
            if (droppedAt < 0 && b.coordinator.heldLeaseKeys().isEmpty()) {
                droppedAt = fleet.time.nanos();
            }
            if (bLeases.stream().allMatch(a.coordinator::holds)) {
                takenAt = fleet.time.nanos();
            }
            assertThat(fleet.doublyHeld()).isEmpty();
            assertThat(fleet.time.nanos() - cutAt)
                    .isLessThan(Duration.ofSeconds(30).toNanos());
        }

        // Then b let go first, at failoverTime - margin, and a took them only after that
        assertThat(droppedAt).isPositive().isLessThan(takenAt);
        assertThat(Duration.ofNanos(droppedAt - cutAt)).isLessThanOrEqualTo(config.selfFenceAfter());
        assertThat(b.listener.count("lost")).isEqualTo(2);
    }

    @Test
    void onlyAHeartbeatFailureThatRetryingCannotFixIsReportedAsPermanentAndOnlyAfterTheSelfFencingTime() {
        fleet.createLeases(2);
        FaultyLeaseTable faulty = new FaultyLeaseTable(fleet.store, fleet.store, new java.util.Random(1));
        Fleet.Member a = fleet.start("a", faulty, faulty);
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 2);

        // retryable failures for a long time: leases dropped, but nothing permanent
        faulty.failHeartbeats(true);
        fleet.run(config.selfFenceAfter().multipliedBy(3));
        assertThat(a.coordinator.heldLeaseKeys()).isEmpty();
        assertThat(a.coordinator.permanentFailure()).isEmpty();

        // failures a retry cannot fix: reported once they have lasted the self-fencing time
        faulty.failHeartbeatsPermanently();
        fleet.run(config.selfFenceAfter().minusSeconds(1));
        assertThat(a.coordinator.permanentFailure()).isEmpty();
        fleet.run(Duration.ofSeconds(3));
        assertThat(a.coordinator.permanentFailure())
                .hasValueSatisfying(e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void aPausedWorkerStopsHoldingAtOnceWhenItWakesUpAndItsWritesAreFenced() {
        fleet.createLeases(4);
        Fleet.Member a = fleet.start("a");
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
        Fleet.Member zombie = a.coordinator.isLeader() ? b : a;
        Fleet.Member other = zombie == a ? b : a;
        String key = zombie.coordinator.heldLeaseKeys().iterator().next();

        zombie.pause();
        fleet.runUntil(
                Duration.ofSeconds(30), () -> other.coordinator.heldLeaseKeys().size() == 4);

        // On waking, before its lease thread has even run, it no longer holds anything...
        assertThat(zombie.coordinator.holds(key)).isFalse();
        // ...and a progress write with its stale snapshot is rejected by the fence
        Lease stale = fleet.store.get(key).orElseThrow().toBuilder()
                .owner(zombie.id)
                .counter(0)
                .build();
        assertThat(fleet.store.updateProgress(
                        stale,
                        stale.toBuilder().checkpoint(StoredCheckpoint.of("1")).build()))
                .isInstanceOf(LeaseWrite.Conflict.class);
        assertThat(zombie.coordinator.updateProgress(key, l -> l)).isInstanceOf(LeaseWrite.Conflict.class);

        zombie.resume();
        fleet.run(Duration.ofSeconds(20));
        assertThat(fleet.ownerCounts()).isEqualTo(Map.of("a", 2, "b", 2));
        assertThat(fleet.doublyHeld()).isEmpty();
    }

    @Test
    void aWorkerWakingFromAPauseRevokesEveryLeaseBeforeItsHeartbeatEvenWhenItCannotReadItsLeases() {
        // Given a and b share four leases, and b leads
        fleet.createLeases(4);
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> b.coordinator.heldLeaseKeys().size() == 4);
        FaultyLeaseTable faultyForA = new FaultyLeaseTable(fleet.store, fleet.store, new java.util.Random(1));
        Fleet.Member a = fleet.start("a", faultyForA, faultyForA);
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
        List<String> aLeases = List.copyOf(a.coordinator.heldLeaseKeys());
        long heartbeatBeforePause = heartbeatCounter("a");

        // When a's process stops past the failover time (its lease thread never runs), b takes its leases...
        a.pause();
        fleet.runUntil(Duration.ofSeconds(30), () -> fleet.ownerCounts().equals(Map.of("b", 4)));
        // ...and when a wakes, the owner-index query that would tell it so fails
        faultyForA.failOwnerQueries(true);
        List<Long> heartbeatAtEachLoss = new CopyOnWriteArrayList<>();
        a.listener.onEvent = event -> heartbeatAtEachLoss.add(heartbeatCounter("a"));
        a.resume();
        a.scheduler.runDueTasks(); // one tick

        // Then that one tick revoked both leases, before it wrote the heartbeat that then succeeded
        assertThat(aLeases)
                .allSatisfy(key -> assertThat(a.coordinator.holds(key)).as(key).isFalse());
        assertThat(a.coordinator.heldLeaseKeys()).isEmpty();
        assertThat(a.listener.events)
                .containsAll(aLeases.stream().map(k -> "lost " + k).toList());
        assertThat(heartbeatAtEachLoss).hasSize(2).containsOnly(heartbeatBeforePause);
        assertThat(heartbeatCounter("a")).isGreaterThan(heartbeatBeforePause);
        assertThat(fleet.doublyHeld()).isEmpty();
    }

    @Test
    void aLeaseRegainedAfterAPauseNobodyElseUsedGetsANewCounterSoTheEarlierHoldingCannotWrite() {
        // Given a alone holds a lease
        fleet.createLeases(1);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 1);
        String key = a.coordinator.heldLeaseKeys().iterator().next();
        long before = a.coordinator.heldLease(key).orElseThrow().counter();

        // When a is paused past the failover time (no other worker takes the lease) and wakes
        a.pause();
        fleet.run(Duration.ofSeconds(15));
        a.resume();
        fleet.runUntil(Duration.ofSeconds(10), () -> a.coordinator.holds(key));

        // Then its consumer heard the lease was lost, and the new holding has a new counter...
        assertThat(a.listener.events).contains("lost " + key);
        long after = a.coordinator.heldLease(key).orElseThrow().counter();
        assertThat(after).isGreaterThan(before);
        // ...so a write for the earlier holding (its consumer still finishing a batch) is refused
        assertThat(a.coordinator.updateProgress(key, before, l -> l).applied()).isFalse();
        assertThat(a.coordinator.updateProgress(key, after, l -> l).applied()).isTrue();
    }

    @Test
    void aShutdownThatHadToRevokeLeasesInsteadOfHandingThemOffIsNotClean() {
        // Given a holds two leases and b is alive
        fleet.createLeases(4);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 4);
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));

        // When a starts shutting down, but its consumers are slow to finish (no handoff completes) and a pause past
        // the failover time lets b take its leases
        a.listener.completeHandoffs = false;
        CompletableFuture<Boolean> shutdown = a.coordinator.shutdown();
        fleet.run(Duration.ofMillis(100));
        a.pause();
        fleet.runUntil(Duration.ofSeconds(30), () -> fleet.ownerCounts().equals(Map.of("b", 4)));
        a.resume();
        fleet.runUntil(Duration.ofSeconds(10), shutdown::isDone);

        // Then it says it did not hand every lease off
        assertThat(shutdown.join()).isFalse();
        assertThat(fleet.ownerCounts()).isEqualTo(Map.of("b", 4));
    }

    @Test
    void aLeaderWakingFromAPauseStepsDownAndLeavesLeadingToItsSuccessor() {
        // Given a leads, and b follows
        fleet.createLeases(4);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 4);
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
        assertThat(a.coordinator.isLeader()).isTrue();
        ListAppender<ILoggingEvent> leaderLog = captureLog(LeaderRole.class);
        try {
            // When a is paused past the failover time, b takes over leadership and a's leases...
            a.pause();
            fleet.runUntil(
                    Duration.ofSeconds(30),
                    () -> b.coordinator.isLeader() && fleet.ownerCounts().equals(Map.of("b", 4)));
            assertThat(fleet.store.leader())
                    .hasValueSatisfying(l -> assertThat(l.leaderId()).isEqualTo("b"));

            // ...then a wakes up: from its first tick on, only one worker leads, and it is b
            a.resume();
            for (int i = 0; i < 200; i++) {
                fleet.step(Duration.ofMillis(100));
                assertThat(a.coordinator.isLeader()).as("a leads again").isFalse();
                assertThat(b.coordinator.isLeader()).as("b leads").isTrue();
            }
            assertThat(fleet.store.leader())
                    .hasValueSatisfying(l -> assertThat(l.leaderId()).isEqualTo("b"));
            // and a did not claim to have given up a leadership that b had already taken
            assertThat(leaderLog.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(m -> m.startsWith("a "))
                    .noneMatch(m -> m.contains("gave up leadership"))
                    .anyMatch(m -> m.contains("stopped leading") && m.contains("another worker had taken over"));
        } finally {
            releaseLog(LeaderRole.class, leaderLog);
        }
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
    }

    @Test
    void aLeaderStopsLeadingBeforeItsNextRoundOnceTheLeaderItemCarriesAnotherTerm() {
        fleet.createLeases(4);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 4);
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2)));
        assertThat(a.coordinator.isLeader()).isTrue();

        // b takes the leader item over (as a follower does once it judges the leader dead), while a stays healthy
        LeaderLock aLock = fleet.store.leader().orElseThrow();
        assertThat(fleet.store.claimLeadership(Optional.of(aLock), "b")).isPresent();

        Duration stopped = fleet.runUntil(Duration.ofSeconds(10), () -> !a.coordinator.isLeader());
        assertThat(stopped).isLessThanOrEqualTo(config.leaseScanInterval().plus(config.tickInterval()));
        for (int i = 0; i < 100; i++) {
            fleet.step(Duration.ofMillis(100));
            assertThat(a.coordinator.isLeader() && b.coordinator.isLeader())
                    .as("both lead")
                    .isFalse();
        }
        assertThat(b.coordinator.isLeader()).isTrue();
        assertThat(a.coordinator.isLeader()).isFalse();
    }

    @Test
    void anOwnerThatNeverFinishesAHandoffLosesTheLeaseToItsTargetAfterTheHandoffTimeout() {
        // Given a holds every lease and its consumers never finish a handoff
        fleet.createLeases(4);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 4);
        a.listener.completeHandoffs = false;

        // When b joins, the leader marks leases for handoff to b
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(
                Duration.ofSeconds(20),
                () -> fleet.store.snapshot().stream()
                        .anyMatch(l -> l.handoffTo().isPresent()));
        long markedAt = fleet.time.nanos();
        String key = fleet.store.snapshot().stream()
                .filter(l -> l.handoffTo().isPresent())
                .findFirst()
                .orElseThrow()
                .leaseKey();

        // Then until the handoff timeout the lease stays a's alone...
        while (fleet.time.nanos() - markedAt
                < config.handoffTimeout().minus(Duration.ofMillis(200)).toNanos()) {
            fleet.step(Duration.ofMillis(100));
            assertThat(fleet.store.get(key).orElseThrow().owner()).contains("a");
            assertThat(fleet.doublyHeld()).isEmpty();
        }
        assertThat(a.listener.events).contains("handoff " + key);
        assertThat(a.coordinator.holds(key)).isTrue();

        // ...and then the leader gives it to b without a, and a stops holding it within a poll
        fleet.runUntil(
                config.leaseScanInterval().plusSeconds(1),
                () -> fleet.store.get(key).orElseThrow().isOwnedBy("b"));
        assertThat(fleet.time.nanos() - markedAt)
                .isGreaterThanOrEqualTo(config.handoffTimeout().toNanos());
        fleet.runUntil(
                config.pollInterval().multipliedBy(2), () -> !a.coordinator.holds(key) && b.coordinator.holds(key));
        assertThat(a.listener.events).contains("lost " + key);
        assertThat(fleet.store.get(key).orElseThrow().handoffTo()).isEmpty();
    }

    @Test
    void onShutdownLeasesGoOnlyToWorkersSeenAliveNotToALeftoverHeartbeat() {
        // Given a, b and c share six leases, and then c crashes: its heartbeat item stays behind, unchanging
        fleet.createLeases(6);
        Fleet.Member a = fleet.start("a");
        Fleet.Member b = fleet.start("b");
        Fleet.Member c = fleet.start("c");
        fleet.runUntil(Duration.ofSeconds(30), () -> fleet.heldCounts().equals(Map.of("a", 2, "b", 2, "c", 2)));
        assertThat(a.coordinator.isLeader()).isTrue();
        c.crash();
        fleet.runUntil(Duration.ofSeconds(30), () -> fleet.ownerCounts().equals(Map.of("a", 3, "b", 3)));
        fleet.run(Duration.ofSeconds(5));
        assertThat(fleet.store.workerIds()).contains("c");
        List<String> bLeases = List.copyOf(b.coordinator.heldLeaseKeys());

        // When b shuts down
        CompletableFuture<Boolean> done = b.shutdown();

        // Then every lease it held went straight to a, the one worker it saw alive
        assertThat(done).isCompletedWithValue(true);
        assertThat(bLeases)
                .allSatisfy(key -> assertThat(fleet.store.get(key).orElseThrow().owner())
                        .as(key)
                        .contains("a"));
        assertThat(fleet.ownerCounts()).isEqualTo(Map.of("a", 6));
    }

    @Test
    void onShutdownNoSuccessorGetsMoreThanMaxLeasesPerWorkerAndTheRestIsReleased() {
        Fleet capped = new Fleet(LeaseConfig.builder()
                .failoverTime(Duration.ofSeconds(10))
                .maxLeasesPerWorker(3)
                .build());
        capped.createLeases(5);
        Fleet.Member a = capped.start("a");
        Fleet.Member b = capped.start("b");
        capped.runUntil(
                Duration.ofSeconds(30),
                () -> capped.ownerCounts().values().stream().sorted().toList().equals(List.of(2, 3)));
        capped.run(Duration.ofSeconds(5));
        Fleet.Member leaving = a.coordinator.heldLeaseKeys().size() == 3 ? a : b;
        Fleet.Member staying = leaving == a ? b : a;

        CompletableFuture<Boolean> done = leaving.shutdown();

        // the one successor had room for one more lease; the other two are released for the leader to place
        assertThat(done).isCompletedWithValue(true);
        assertThat(capped.ownerCounts()).isEqualTo(Map.of(staying.id, 3, "-", 2));
        capped.run(Duration.ofSeconds(10));
        assertThat(capped.ownerCounts()).isEqualTo(Map.of(staying.id, 3, "-", 2));
    }

    @Test
    void gracefulShutdownHandsEveryLeaseToTheOthersWellUnderASecond() {
        fleet.createLeases(6);
        Fleet.Member a = fleet.start("a");
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> fleet.heldCounts().equals(Map.of("a", 3, "b", 3)));
        Fleet.Member leaving = a;
        Fleet.Member staying = b;
        long handoffsBefore = leaving.listener.count("handoff");

        CompletableFuture<Boolean> done = leaving.shutdown();
        Duration gap = fleet.runUntil(
                Duration.ofSeconds(5), () -> staying.coordinator.heldLeaseKeys().size() == 6);

        assertThat(done).isCompletedWithValue(true);
        assertThat(gap).isLessThan(Duration.ofSeconds(1));
        assertThat(leaving.listener.count("handoff") - handoffsBefore).isEqualTo(3);
        assertThat(leaving.listener.count("lost")).isZero();
        assertThat(fleet.store.workerIds()).containsExactly("b");
        fleet.run(Duration.ofSeconds(5));
        assertThat(staying.coordinator.isLeader()).isTrue();
    }

    @Test
    void aShutdownThatTakesTooLongReleasesWhatIsLeft() {
        fleet.createLeases(2);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 2);
        a.listener.completeHandoffs = false;

        CompletableFuture<Boolean> done = a.shutdown();
        fleet.run(Duration.ofSeconds(1));
        assertThat(done).isNotDone();
        a.coordinator.abandonShutdown();
        a.scheduler.runDueTasks();

        assertThat(done).isCompletedWithValue(false);
        assertThat(fleet.ownerCounts()).isEqualTo(Map.of("-", 2));
    }

    @Test
    void progressWritesAreFencedAndKeepTheSnapshotCurrent() {
        fleet.createLeases(1);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 1);
        String key = "shardId-000000000000";

        LeaseWrite write = a.coordinator.updateProgress(
                key, l -> l.toBuilder().checkpoint(StoredCheckpoint.of("42")).build());

        assertThat(write.applied()).isTrue();
        assertThat(a.coordinator.heldLease(key).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("42"));
        assertThat(fleet.store.get(key).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("42"));
    }

    @Test
    void aWriteForAnEarlierHoldingIsRefusedOnceTheLeaseHasGoneAndComeBack() {
        fleet.createLeases(1);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 1);
        String key = "shardId-000000000000";
        long firstHolding = a.coordinator.heldLease(key).orElseThrow().counter();

        // The lease goes to another worker and comes back before a's consumer of the first holding has finished
        Lease held = fleet.store.get(key).orElseThrow();
        assertThat(fleet.store.assign(held, "x").applied()).isTrue();
        assertThat(fleet.store.assign(fleet.store.get(key).orElseThrow(), "a").applied())
                .isTrue();
        fleet.runUntil(
                Duration.ofSeconds(5),
                () -> a.coordinator
                        .heldLease(key)
                        .map(l -> l.counter() != firstHolding)
                        .orElse(false));
        long secondHolding = a.coordinator.heldLease(key).orElseThrow().counter();

        LeaseWrite late = a.coordinator.updateProgress(
                key,
                firstHolding,
                l -> l.toBuilder().checkpoint(StoredCheckpoint.of("42")).build());
        LeaseWrite current = a.coordinator.updateProgress(
                key,
                secondHolding,
                l -> l.toBuilder().checkpoint(StoredCheckpoint.of("7")).build());

        assertThat(late).isInstanceOf(LeaseWrite.Conflict.class);
        assertThat(current.applied()).isTrue();
        assertThat(fleet.store.get(key).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("7"));
    }

    @Test
    void aProgressWriteRefusedForAStaleHeartbeatDropsTheHoldingSoTheLeaseIsGainedAfreshLater() {
        fleet.createLeases(1);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 1);
        String key = "shardId-000000000000";
        long counter = a.coordinator.heldLease(key).orElseThrow().counter();
        long gainedBefore = a.listener.count("gained");

        // a's lease thread stalls past the self-fencing time, and a processor checkpoints meanwhile: refused
        a.pause();
        fleet.run(Duration.ofSeconds(10));
        LeaseWrite refused = a.coordinator.updateProgress(
                key,
                counter,
                l -> l.toBuilder().checkpoint(StoredCheckpoint.of("42")).build());
        assertThat(refused).isInstanceOf(LeaseWrite.Conflict.class);

        // once the lease thread runs again (its heartbeat goes through at once), the refused holding is dropped and
        // the lease, still this worker's in the table, is gained afresh: its consumer is started again
        a.resume();
        fleet.runUntil(Duration.ofSeconds(10), () -> a.listener.count("gained") > gainedBefore);
        assertThat(a.listener.count("lost")).isEqualTo(1);
        assertThat(a.coordinator.holds(key)).isTrue();
        assertThat(fleet.store.get(key).orElseThrow().checkpoint())
                .isNotEqualTo(java.util.Optional.of(StoredCheckpoint.of("42")));
    }

    private long heartbeatCounter(String worker) {
        return fleet.store.heartbeats(List.of(worker)).get(worker).counter();
    }

    private static ListAppender<ILoggingEvent> captureLog(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    private static void releaseLog(Class<?> type, ListAppender<ILoggingEvent> appender) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
    }

    @Test
    void finishedLeasesAreNotAssigned() {
        InMemoryLeaseTable store = fleet.store;
        store.create(Lease.create("done", StoredCheckpoint.of(StoredCheckpoint.SHARD_END), java.util.Set.of()));
        fleet.createLeases(1);
        Fleet.Member a = fleet.start("a");

        fleet.run(Duration.ofSeconds(3));

        Collection<String> held = a.coordinator.heldLeaseKeys();
        assertThat(held).containsExactly("shardId-000000000000");
    }

    @Test
    void aLeaseThatEndsDuringItsHandoffIsReleasedToNobody() {
        fleet.createLeases(2);
        Fleet.Member a = fleet.start("a");
        fleet.runUntil(
                Duration.ofSeconds(5), () -> a.coordinator.heldLeaseKeys().size() == 2);
        a.listener.completeHandoffs = false;
        Fleet.Member b = fleet.start("b");
        fleet.runUntil(Duration.ofSeconds(20), () -> a.listener.count("handoff") == 1);
        String key = fleet.store.snapshot().stream()
                .filter(l -> l.handoffTo().isPresent())
                .findFirst()
                .orElseThrow()
                .leaseKey();

        // the consumer finishes the shard before it completes the handoff
        a.coordinator.updateProgress(
                key,
                l -> l.toBuilder().checkpoint(StoredCheckpoint.of("SHARD_END")).build());
        a.coordinator.completeHandoff(key);
        fleet.run(Duration.ofSeconds(3));

        assertThat(fleet.store.get(key).orElseThrow().owner()).isEmpty();
        assertThat(b.coordinator.heldLeaseKeys()).doesNotContain(key);
    }
}
