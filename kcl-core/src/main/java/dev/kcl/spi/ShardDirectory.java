package dev.kcl.spi;

import java.time.Instant;
import java.util.List;

/** Lists a stream's shards. Implemented over {@code ListShards} in {@code dev.kcl.aws}. */
public interface ShardDirectory {
    /** Which shards to list. */
    enum Filter {
        /** Every shard the stream still holds. */
        ALL,
        /** The shards open at the trim horizon: where an application starting at TRIM_HORIZON begins. */
        AT_TRIM_HORIZON,
        /** The shards open now. */
        AT_LATEST,
        /** The shards open at a time. */
        AT_TIMESTAMP
    }

    /**
     * Lists shards, all pages.
     *
     * @param timestamp used with {@link Filter#AT_TIMESTAMP}
     */
    List<ShardInfo> listShards(Filter filter, Instant timestamp);
}
