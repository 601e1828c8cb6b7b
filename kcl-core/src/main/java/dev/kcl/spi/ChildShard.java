package dev.kcl.spi;

import dev.kcl.leases.HashKeyRange;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A shard that a closed shard split or merged into, as GetRecords or SubscribeToShard report it. */
public record ChildShard(String shardId, Set<String> parentShardIds, Optional<HashKeyRange> hashKeyRange) {
    public ChildShard {
        Objects.requireNonNull(shardId, "shardId");
        parentShardIds = Set.copyOf(parentShardIds);
        Objects.requireNonNull(hashKeyRange, "hashKeyRange");
    }
}
