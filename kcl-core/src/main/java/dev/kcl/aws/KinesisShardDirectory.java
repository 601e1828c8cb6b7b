package dev.kcl.aws;

import dev.kcl.KclException;
import dev.kcl.RetryableKclException;
import dev.kcl.leases.HashKeyRange;
import dev.kcl.spi.ShardDirectory;
import dev.kcl.spi.ShardInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/** {@link ShardDirectory} over paged {@code ListShards}, with a {@code ShardFilter} where one is asked for. */
public final class KinesisShardDirectory implements ShardDirectory {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final KinesisAsyncClient kinesis;
    private final String stream;

    public KinesisShardDirectory(KinesisAsyncClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    @Override
    public List<ShardInfo> listShards(Filter filter, Instant timestamp) {
        List<ShardInfo> shards = new ArrayList<>();
        String token = null;
        do {
            ListShardsRequest.Builder request = ListShardsRequest.builder();
            if (token == null) {
                request.streamName(stream);
                switch (filter) {
                    case AT_TRIM_HORIZON -> request.shardFilter(f -> f.type(ShardFilterType.AT_TRIM_HORIZON));
                    case AT_LATEST -> request.shardFilter(f -> f.type(ShardFilterType.AT_LATEST));
                    case AT_TIMESTAMP ->
                        request.shardFilter(
                                f -> f.type(ShardFilterType.AT_TIMESTAMP).timestamp(timestamp));
                    default -> {
                        // all shards
                    }
                }
            } else {
                request.nextToken(token);
            }
            ListShardsResponse response = call(request.build());
            for (Shard shard : response.shards()) {
                Set<String> parents = new HashSet<>();
                if (shard.parentShardId() != null) {
                    parents.add(shard.parentShardId());
                }
                if (shard.adjacentParentShardId() != null) {
                    parents.add(shard.adjacentParentShardId());
                }
                Optional<HashKeyRange> range = shard.hashKeyRange() == null
                        ? Optional.empty()
                        : Optional.of(HashKeyRange.of(
                                shard.hashKeyRange().startingHashKey(),
                                shard.hashKeyRange().endingHashKey()));
                boolean open = shard.sequenceNumberRange() == null
                        || shard.sequenceNumberRange().endingSequenceNumber() == null;
                shards.add(new ShardInfo(shard.shardId(), parents, range, open));
            }
            token = response.nextToken();
        } while (token != null);
        return shards;
    }

    private ListShardsResponse call(ListShardsRequest request) {
        try {
            return kinesis.listShards(request).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableKclException("interrupted listing the shards of " + stream, e);
        } catch (TimeoutException e) {
            throw new RetryableKclException("ListShards on " + stream + " timed out after " + CALL_TIMEOUT, e);
        } catch (ExecutionException e) {
            AwsErrors.Kind kind = AwsErrors.classify(e);
            String what = "ListShards on stream " + stream + " failed: " + AwsErrors.describe(e);
            if (kind == AwsErrors.Kind.THROTTLED || kind == AwsErrors.Kind.TRANSIENT) {
                throw new RetryableKclException(what, AwsErrors.unwrap(e));
            }
            throw new KclException(what, AwsErrors.unwrap(e));
        }
    }
}
