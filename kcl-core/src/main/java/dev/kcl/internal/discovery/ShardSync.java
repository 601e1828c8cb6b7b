package dev.kcl.internal.discovery;

import dev.kcl.InitialPosition;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.checkpoint.SequenceNumber;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.spi.ShardDirectory;
import dev.kcl.spi.ShardInfo;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lease table in step with the stream's shards: creates the leases that are missing and deletes finished
 * parents once their children have started.
 *
 * <h2>Design notes</h2>
 *
 * <ul>
 *   <li><b>A new application</b> (no leases yet) lists only the shards its initial position starts from, with a
 *       {@code ShardFilter} (AT_TRIM_HORIZON, AT_LATEST or AT_TIMESTAMP), and gives them that position. Their
 *       descendants get leases as the parents end.
 *   <li><b>Afterwards</b> it lists every shard and creates a lease, at TRIM_HORIZON, for a shard that has none when
 *       each of its parents in the listing has a lease (it will wait for them to end) or it has no listed parent, and
 *       no descendant has a lease (then it was finished and cleaned up, and must not be read again).
 *   <li><b>Cleanup.</b> A lease at SHARD_END is deleted once every child it recorded has a lease that has moved past
 *       its starting point.
 * </ul>
 *
 * <p>Not thread-safe: run from one thread.
 */
public final class ShardSync {
    private static final Logger log = LoggerFactory.getLogger(ShardSync.class);

    private final ShardDirectory directory;
    private final LeaseTable table;
    private final InitialPosition initialPosition;

    public ShardSync(ShardDirectory directory, LeaseTable table, InitialPosition initialPosition) {
        this.directory = directory;
        this.table = table;
        this.initialPosition = initialPosition;
    }

    /** One pass; returns how many leases it created. */
    public int run() {
        List<Lease> leases = table.listLeases();
        int created = leases.isEmpty() ? createInitialLeases() : createMissingLeases(leases);
        if (!leases.isEmpty()) {
            cleanUp(leases);
        }
        return created;
    }

    private int createInitialLeases() {
        ShardDirectory.Filter filter = switch (initialPosition.sentinel()) {
            case Checkpoint.TRIM_HORIZON -> ShardDirectory.Filter.AT_TRIM_HORIZON;
            case Checkpoint.LATEST -> ShardDirectory.Filter.AT_LATEST;
            default -> ShardDirectory.Filter.AT_TIMESTAMP;
        };
        List<ShardInfo> shards =
                directory.listShards(filter, initialPosition.timestamp().orElse(Instant.EPOCH));
        int created = 0;
        for (ShardInfo shard : shards) {
            if (table.create(leaseFor(shard, StoredCheckpoint.of(initialPosition.sentinel())))) {
                created++;
            }
        }
        log.info("new application: created {} leases at {} for {} shards", created, initialPosition, shards.size());
        return created;
    }

    private int createMissingLeases(List<Lease> leases) {
        List<ShardInfo> shards = directory.listShards(ShardDirectory.Filter.ALL, Instant.EPOCH);
        Set<String> leased = new HashSet<>();
        leases.forEach(l -> leased.add(l.leaseKey()));
        Map<String, ShardInfo> byId = new HashMap<>();
        Map<String, Set<String>> children = new HashMap<>();
        for (ShardInfo shard : shards) {
            byId.put(shard.shardId(), shard);
            for (String parent : shard.parentShardIds()) {
                children.computeIfAbsent(parent, k -> new HashSet<>()).add(shard.shardId());
            }
        }
        int created = 0;
        for (ShardInfo shard : shards) {
            if (leased.contains(shard.shardId()) || hasLeasedDescendant(shard.shardId(), children, leased)) {
                continue;
            }
            boolean parentsReady =
                    shard.parentShardIds().stream().filter(byId::containsKey).allMatch(leased::contains);
            if (parentsReady && table.create(leaseFor(shard, StoredCheckpoint.of(Checkpoint.TRIM_HORIZON)))) {
                log.info("{} has a lease now (parents {})", shard.shardId(), shard.parentShardIds());
                leased.add(shard.shardId());
                created++;
            }
        }
        return created;
    }

    private static boolean hasLeasedDescendant(String shardId, Map<String, Set<String>> children, Set<String> leased) {
        Deque<String> pending = new ArrayDeque<>(children.getOrDefault(shardId, Set.of()));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String next = pending.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (leased.contains(next)) {
                return true;
            }
            pending.addAll(children.getOrDefault(next, Set.of()));
        }
        return false;
    }

    private void cleanUp(List<Lease> leases) {
        Map<String, Lease> byKey = new HashMap<>();
        leases.forEach(l -> byKey.put(l.leaseKey(), l));
        for (Lease lease : leases) {
            if (!lease.isFinished() || lease.childShardIds().isEmpty()) {
                continue;
            }
            boolean childrenStarted = lease.childShardIds().stream().allMatch(child -> {
                Lease childLease = byKey.get(child);
                return childLease != null
                        && childLease.checkpoint().map(ShardSync::hasMoved).orElse(false);
            });
            if (childrenStarted && table.delete(lease)) {
                log.info(
                        "{} deleted: finished, and its children {} have started",
                        lease.leaseKey(),
                        lease.childShardIds());
            }
        }
    }

    private static boolean hasMoved(StoredCheckpoint checkpoint) {
        return checkpoint.isShardEnd() || SequenceNumber.isSequenceNumber(checkpoint.sequenceNumber());
    }

    private static Lease leaseFor(ShardInfo shard, StoredCheckpoint checkpoint) {
        return Lease.builder(shard.shardId())
                .checkpoint(checkpoint)
                .parentShardIds(shard.parentShardIds())
                .hashKeyRange(shard.hashKeyRange())
                .build();
    }
}
