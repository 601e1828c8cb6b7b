package dev.kcl.spi;

import dev.kcl.leases.HashKeyRange;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A shard as the stream lists it.
 *
 * @param parentShardIds its parent and, after a merge, adjacent parent
 * @param open false once the shard has an ending sequence number (closed by a split or merge)
 */
public record ShardInfo(String shardId, Set<String> parentShardIds, Optional<HashKeyRange> hashKeyRange, boolean open) {
    public ShardInfo {
        Objects.requireNonNull(shardId, "shardId");
        parentShardIds = Set.copyOf(parentShardIds);
        Objects.requireNonNull(hashKeyRange, "hashKeyRange");
    }
}
