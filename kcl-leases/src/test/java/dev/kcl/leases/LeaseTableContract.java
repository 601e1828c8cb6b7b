package dev.kcl.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LeaseTable} and {@link WorkerRegistry} must do, run against the in-memory fake (unit tests) and
 * DynamoDB Local (integration tests), so the fake cannot drift from DynamoDB's conditional writes.
 */
public abstract class LeaseTableContract {

    /** The table under test, empty; it implements both ports. */
    protected abstract <T extends LeaseTable & WorkerRegistry> T table();

    private LeaseTable leases() {
        return table();
    }

    private WorkerRegistry registry() {
        return table();
    }

    private Lease created(String key) {
        Lease lease = Lease.create(key, StoredCheckpoint.of("TRIM_HORIZON"), Set.of());
        assertThat(leases().create(lease)).isTrue();
        return leases().get(key).orElseThrow();
    }

    private static Lease applied(LeaseWrite write) {
        assertThat(write).isInstanceOf(LeaseWrite.Applied.class);
        return ((LeaseWrite.Applied) write).stored();
    }

    @Test
    void createsOnlyOnce() {
        Lease lease = Lease.create("shardId-000000000000", StoredCheckpoint.of("TRIM_HORIZON"), Set.of());

        assertThat(leases().create(lease)).isTrue();
        assertThat(leases().create(lease.toBuilder().owner("someone").build())).isFalse();
        assertThat(leases().get("shardId-000000000000")).contains(lease);
        assertThat(leases().get("shardId-000000000099")).isEmpty();
    }

    @Test
    void roundTripsEveryField() {
        Lease lease = Lease.builder("shardId-000000000007")
                .owner("worker-a")
                .counter(41)
                .checkpoint(new StoredCheckpoint("49590338271490256608559692538361571095921575989136588898", 3))
                .pendingCheckpoint(Optional.of(
                        new StoredCheckpoint("49590338271490256608559692538361571095921575989136588999", 0)))
                .ownerSwitchesSinceCheckpoint(2)
                .parentShardIds(Set.of("shardId-000000000001", "shardId-000000000002"))
                .childShardIds(Set.of("shardId-000000000009"))
                .hashKeyRange(Optional.of(HashKeyRange.of("0", "340282366920938463463374607431768211455")))
                .handoffTo(Optional.of("worker-b"))
                .throughputKBps(Optional.of(12.5))
                .build();

        leases().create(lease);

        assertThat(leases().get(lease.leaseKey())).contains(lease);
        assertThat(leases().listLeases()).containsExactly(lease);
    }

    @Test
    void assignIsFencedOnOwnerAndCounter() {
        Lease unowned = created("shard-0");

        Lease mine = applied(leases().assign(unowned, "a"));
        assertThat(mine.owner()).contains("a");
        assertThat(mine.counter()).isEqualTo(unowned.counter() + 1);

        // the same stale snapshot cannot win twice
        assertThat(leases().assign(unowned, "b")).isEqualTo(new LeaseWrite.Conflict("shard-0"));
        // a snapshot with the right counter but another owner loses too
        assertThat(leases().assign(mine.toBuilder().owner("z").build(), "b")).isInstanceOf(LeaseWrite.Conflict.class);
        // a lease that does not exist
        assertThat(leases().assign(Lease.create("missing", StoredCheckpoint.of("LATEST"), Set.of()), "b"))
                .isInstanceOf(LeaseWrite.Conflict.class);

        Lease theirs = applied(leases().assign(mine, "b"));
        assertThat(theirs.owner()).contains("b");
        assertThat(theirs.counter()).isEqualTo(mine.counter() + 1);
        assertThat(theirs.ownerSwitchesSinceCheckpoint()).isEqualTo(2);
        assertThat(leases().get("shard-0")).contains(theirs);
    }

    @Test
    void handoffKeepsOwnerAndCounterUntilTheOwnerReleases() {
        Lease mine = applied(leases().assign(created("shard-0"), "a"));

        Lease marked = applied(leases().markHandoff(mine, "b"));
        assertThat(marked.owner()).contains("a");
        assertThat(marked.counter()).isEqualTo(mine.counter());
        assertThat(marked.handoffTo()).contains("b");
        // the owner can still write progress while handing off
        Lease progressed = applied(leases().updateProgress(
                        marked,
                        marked.toBuilder()
                                .checkpoint(StoredCheckpoint.of("123"))
                                .build()));
        assertThat(progressed.handoffTo()).contains("b");

        Lease handedOver = applied(leases().release(progressed, Optional.of("b")));
        assertThat(handedOver.owner()).contains("b");
        assertThat(handedOver.counter()).isEqualTo(mine.counter() + 1);
        assertThat(handedOver.handoffTo()).isEmpty();
        assertThat(handedOver.checkpoint()).contains(StoredCheckpoint.of("123"));
        assertThat(leases().release(progressed, Optional.of("b"))).isInstanceOf(LeaseWrite.Conflict.class);
    }

    @Test
    void releaseToNobodyLeavesTheLeaseUnowned() {
        Lease mine = applied(leases().assign(created("shard-0"), "a"));

        Lease released = applied(leases().release(mine, Optional.empty()));

        assertThat(released.owner()).isEmpty();
        assertThat(released.counter()).isEqualTo(mine.counter() + 1);
        assertThat(leases().leasesOwnedBy("a")).isEmpty();
        assertThat(applied(leases().assign(released, "c")).owner()).contains("c");
    }

    @Test
    void assignEndsAHandoff() {
        Lease marked = applied(leases().markHandoff(applied(leases().assign(created("shard-0"), "a")), "b"));

        Lease forced = applied(leases().assign(marked, "b"));

        assertThat(forced.handoffTo()).isEmpty();
        assertThat(forced.owner()).contains("b");
    }

    @Test
    void cancellingAHandoffKeepsOwnerAndCounter() {
        Lease mine = applied(leases().assign(created("shard-0"), "a"));
        Lease marked = applied(leases().markHandoff(mine, "b"));

        Lease cancelled = applied(leases().cancelHandoff(marked));

        assertThat(cancelled).isEqualTo(mine);
        assertThat(leases().cancelHandoff(applied(leases().assign(cancelled, "c")).toBuilder()
                        .counter(0)
                        .build()))
                .isInstanceOf(LeaseWrite.Conflict.class);
    }

    @Test
    void anUnownedLeaseCannotBeMarkedForHandoff() {
        Lease unowned = created("shard-0");

        assertThatThrownBy(() -> leases().markHandoff(unowned, "b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void progressIsFencedAndLeavesOwnershipAlone() {
        Lease mine = applied(leases().assign(created("shard-0"), "a"));
        Lease progress = mine.toBuilder()
                .checkpoint(new StoredCheckpoint("500", 2))
                .pendingCheckpoint(Optional.of(StoredCheckpoint.of("600")))
                .childShardIds(Set.of("shard-1", "shard-2"))
                .throughputKBps(Optional.of(3.0))
                .ownerSwitchesSinceCheckpoint(0)
                .build();

        Lease stored = applied(leases().updateProgress(mine, progress));
        assertThat(stored).isEqualTo(progress);

        // clearing optional values removes them
        Lease cleared = applied(leases().updateProgress(
                        stored,
                        stored.toBuilder()
                                .pendingCheckpoint(Optional.empty())
                                .throughputKBps(Optional.empty())
                                .build()));
        assertThat(cleared.pendingCheckpoint()).isEmpty();
        assertThat(cleared.throughputKBps()).isEmpty();

        // a stale owner's progress is rejected
        Lease taken = applied(leases().assign(cleared, "b"));
        assertThat(leases().updateProgress(
                                cleared,
                                cleared.toBuilder()
                                        .checkpoint(StoredCheckpoint.of("700"))
                                        .build()))
                .isInstanceOf(LeaseWrite.Conflict.class);
        assertThat(leases().get("shard-0").orElseThrow().checkpoint()).contains(new StoredCheckpoint("500", 2));
        assertThatThrownBy(() -> leases().updateProgress(
                                taken, taken.toBuilder().owner("c").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResetMovesTheCheckpointAndTakesTheLeaseFromItsOwnerInOneFencedWrite() {
        Lease held = applied(leases().assign(created("shard-0"), "a"));
        held = applied(leases().updateProgress(
                        held,
                        held.toBuilder()
                                .checkpoint(StoredCheckpoint.of("500"))
                                .pendingCheckpoint(Optional.of(StoredCheckpoint.of("600")))
                                .build()));
        held = applied(leases().markHandoff(held, "b"));

        Lease reset = applied(leases().resetCheckpoint(held, StoredCheckpoint.of("TRIM_HORIZON")));

        assertThat(reset.owner()).isEmpty();
        assertThat(reset.counter()).isEqualTo(held.counter() + 1);
        assertThat(reset.checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        assertThat(reset.pendingCheckpoint()).isEmpty();
        assertThat(reset.handoffTo()).isEmpty();
        assertThat(reset.ownerSwitchesSinceCheckpoint()).isZero();
        assertThat(leases().get("shard-0")).contains(reset);
        // the old owner's progress is refused, and so is a second reset from the same snapshot
        Lease stale = held;
        assertThat(leases().updateProgress(
                                stale,
                                stale.toBuilder()
                                        .checkpoint(StoredCheckpoint.of("700"))
                                        .build()))
                .isInstanceOf(LeaseWrite.Conflict.class);
        assertThat(leases().resetCheckpoint(stale, StoredCheckpoint.of("LATEST")))
                .isInstanceOf(LeaseWrite.Conflict.class);
    }

    @Test
    void anAtTimestampCheckpointKeepsItsTime() {
        java.time.Instant at = java.time.Instant.parse("2026-11-21T09:30:00.123Z");
        Lease reset = applied(leases().resetCheckpoint(created("shard-0"), StoredCheckpoint.atTimestamp(at)));

        assertThat(reset.checkpoint()).contains(StoredCheckpoint.atTimestamp(at));
        assertThat(leases().get("shard-0")
                        .orElseThrow()
                        .checkpoint()
                        .orElseThrow()
                        .timestamp())
                .contains(at);
        // a checkpoint that moves on drops the time
        Lease mine = applied(leases().assign(reset, "a"));
        Lease moved = applied(leases().updateProgress(
                        mine,
                        mine.toBuilder().checkpoint(StoredCheckpoint.of("42")).build()));
        assertThat(leases().get("shard-0")).contains(moved);
        assertThat(moved.checkpoint().orElseThrow().timestamp()).isEmpty();
    }

    @Test
    void findsLeasesByOwner() {
        applied(leases().assign(created("shard-0"), "a"));
        applied(leases().assign(created("shard-1"), "b"));
        applied(leases().assign(created("shard-2"), "a"));
        created("shard-3");

        assertThat(leases().leasesOwnedBy("a"))
                .extracting(Lease::leaseKey)
                .containsExactlyInAnyOrder("shard-0", "shard-2");
        assertThat(leases().leasesOwnedBy("nobody")).isEmpty();
    }

    @Test
    void deleteIsFencedOnOwnerAndCounter() {
        Lease lease = created("shard-0");
        Lease taken = applied(leases().assign(lease, "a"));

        // an older snapshot loses, and so does one with the right counter but another owner
        assertThat(leases().delete(lease)).isFalse();
        assertThat(leases().delete(taken.toBuilder().owner("z").build())).isFalse();
        assertThat(leases().delete(taken.toBuilder().owner(Optional.empty()).build()))
                .isFalse();
        assertThat(leases().get("shard-0")).contains(taken);

        assertThat(leases().delete(taken)).isTrue();
        assertThat(leases().get("shard-0")).isEmpty();
        assertThat(leases().delete(taken)).isFalse();
    }

    @Test
    void anUnownedLeaseIsDeletedOnlyWhileItStillHasNoOwner() {
        Lease unowned = created("shard-0");
        Lease released = applied(leases().release(applied(leases().assign(created("shard-1"), "a")), Optional.empty()));

        // a snapshot naming an owner does not match a lease that has none
        assertThat(leases().delete(unowned.toBuilder().owner("a").build())).isFalse();
        assertThat(leases().delete(released.toBuilder().owner("a").build())).isFalse();

        assertThat(leases().delete(unowned)).isTrue();
        assertThat(leases().delete(released)).isTrue();
        assertThat(leases().listLeases()).isEmpty();
    }

    @Test
    void heartbeatsAreNotLeases() {
        created("shard-0");
        registry().heartbeat(new Heartbeat("a", 1, false));
        registry().claimLeadership(Optional.empty(), "a");

        assertThat(leases().listLeases()).extracting(Lease::leaseKey).containsExactly("shard-0");
    }

    @Test
    void keepsHeartbeats() {
        registry().heartbeat(new Heartbeat("a", 1, false));
        registry().heartbeat(new Heartbeat("b", 7, false));
        registry().heartbeat(new Heartbeat("a", 2, true));

        assertThat(registry().workerIds()).containsExactlyInAnyOrder("a", "b");
        assertThat(registry().heartbeats(List.of("a", "b", "c")))
                .containsOnlyKeys("a", "b")
                .containsEntry("a", new Heartbeat("a", 2, true))
                .containsEntry("b", new Heartbeat("b", 7, false));

        registry().removeWorker("a");
        assertThat(registry().workerIds()).containsExactly("b");
        assertThat(registry().heartbeats(List.of("a"))).isEmpty();
    }

    @Test
    void leadershipChangesOnlyFromTheExpectedLock() {
        assertThat(registry().leader()).isEmpty();

        LeaderLock first = registry().claimLeadership(Optional.empty(), "a").orElseThrow();
        assertThat(first).isEqualTo(new LeaderLock("a", 1));
        assertThat(registry().claimLeadership(Optional.empty(), "b")).isEmpty();
        assertThat(registry().leader()).contains(first);

        LeaderLock second = registry().claimLeadership(Optional.of(first), "b").orElseThrow();
        assertThat(second).isEqualTo(new LeaderLock("b", 2));
        assertThat(registry().claimLeadership(Optional.of(first), "c")).isEmpty();

        assertThat(registry().releaseLeadership(first)).isFalse();
        assertThat(registry().releaseLeadership(second)).isTrue();
        assertThat(registry().leader()).isEmpty();
    }

    @Test
    void listsManyLeasesAndWorkers() {
        for (int i = 0; i < 250; i++) {
            created(String.format("shardId-%012d", i));
        }
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 130; i++) {
            registry().heartbeat(new Heartbeat("w" + i, i, false));
            ids.add("w" + i);
        }

        assertThat(leases().listLeases()).hasSize(250);
        assertThat(registry().heartbeats(ids)).hasSize(130);
    }
}
