package dev.kcl.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.spi.ShardDirectory;
import dev.kcl.spi.ShardInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardSyncTest {
    private final InMemoryLeaseTable table = new InMemoryLeaseTable();

    /** A stream that was split: 0 -> 1, 2; then 1 and 2 merged into 3. Shard 4 is an open sibling root. */
    private static final List<ShardInfo> SHARDS = List.of(
            shard("s0", Set.of(), false),
            shard("s1", Set.of("s0"), false),
            shard("s2", Set.of("s0"), false),
            shard("s3", Set.of("s1", "s2"), true),
            shard("s4", Set.of(), true));

    private static ShardInfo shard(String id, Set<String> parents, boolean open) {
        return new ShardInfo(id, parents, Optional.empty(), open);
    }

    /** Answers AT_LATEST with the open shards, AT_TRIM_HORIZON with the roots, ALL with everything. */
    private static final class FakeDirectory implements ShardDirectory {
        final List<Filter> asked = new ArrayList<>();

        @Override
        public List<ShardInfo> listShards(Filter filter, Instant timestamp) {
            asked.add(filter);
            return switch (filter) {
                case AT_LATEST -> SHARDS.stream().filter(ShardInfo::open).toList();
                case AT_TRIM_HORIZON, AT_TIMESTAMP ->
                    SHARDS.stream().filter(s -> s.parentShardIds().isEmpty()).toList();
                default -> SHARDS;
            };
        }
    }

    private List<String> leaseKeys() {
        return table.snapshot().stream().map(Lease::leaseKey).toList();
    }

    @Test
    void aNewApplicationAtTrimHorizonStartsFromTheRoots() {
        FakeDirectory directory = new FakeDirectory();

        new ShardSync(directory, table, InitialPosition.trimHorizon()).run();

        assertThat(directory.asked).containsExactly(ShardDirectory.Filter.AT_TRIM_HORIZON);
        assertThat(leaseKeys()).containsExactly("s0", "s4");
        assertThat(table.get("s0").orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void aNewApplicationAtLatestStartsFromTheOpenShards() {
        new ShardSync(new FakeDirectory(), table, InitialPosition.latest()).run();

        assertThat(leaseKeys()).containsExactly("s3", "s4");
        assertThat(table.get("s3").orElseThrow().checkpoint()).contains(StoredCheckpoint.of("LATEST"));
        assertThat(table.get("s3").orElseThrow().parentShardIds()).containsExactlyInAnyOrder("s1", "s2");
    }

    @Test
    void laterPassesAddChildrenOfLeasedParentsAtTrimHorizon() {
        ShardSync sync = new ShardSync(new FakeDirectory(), table, InitialPosition.trimHorizon());
        sync.run(); // s0, s4

        sync.run(); // s1 and s2 (their parent s0 is leased), then s3 (both its parents now are)

        assertThat(leaseKeys()).containsExactly("s0", "s1", "s2", "s3", "s4");
        assertThat(table.get("s3").orElseThrow().parentShardIds()).containsExactlyInAnyOrder("s1", "s2");
        assertThat(table.get("s3").orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void aFinishedParentIsDeletedOnceItsChildrenHaveStartedAndNeverRecreated() {
        table.create(Lease.builder("s3")
                .checkpoint(StoredCheckpoint.of("LATEST"))
                .parentShardIds(Set.of("s1", "s2"))
                .build());
        table.create(
                Lease.builder("s4").checkpoint(StoredCheckpoint.of("LATEST")).build());
        table.create(Lease.builder("s1")
                .checkpoint(StoredCheckpoint.of("SHARD_END"))
                .childShardIds(Set.of("s3"))
                .build());
        ShardSync sync = new ShardSync(new FakeDirectory(), table, InitialPosition.latest());

        sync.run();
        assertThat(leaseKeys()).contains("s1"); // s3 has not moved yet
        Lease child = table.get("s3").orElseThrow();
        table.updateProgress(
                child,
                child.toBuilder().checkpoint(StoredCheckpoint.of("12345")).build());
        sync.run();
        sync.run();

        assertThat(leaseKeys()).containsExactly("s3", "s4"); // s1 deleted; s0, s1, s2 not recreated: s3 descends
    }
}
