package dev.kcl.fanout;

import dev.kcl.testkit.StreamAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Wraps a client so that a shard closed by a reshard ends the way AWS ends it, which the emulator never does: once
 * the test reports the shard closed ({@link #shardClosed}), the first event of its subscription with no records (the
 * reader has caught up with the closed shard) reaches the reader as the final event: no continuation sequence number,
 * the child shards instead.
 */
final class FinalEvents extends ForwardingKinesis {
    private final Map<String, List<ChildShard>> closed = new ConcurrentHashMap<>();
    /** Shards whose final event was sent. */
    final Set<String> finalEventsSent = ConcurrentHashMap.newKeySet();

    FinalEvents(KinesisAsyncClient delegate) {
        super(delegate);
    }

    /** The shard was closed by a reshard: looks up its children, which its final event will carry. */
    void shardClosed(String stream, String shardId) {
        List<ChildShard> children = new ArrayList<>();
        for (Shard shard : StreamAdmin.of(delegate).shards(stream)) {
            if (shardId.equals(shard.parentShardId()) || shardId.equals(shard.adjacentParentShardId())) {
                children.add(ChildShard.builder()
                        .shardId(shard.shardId())
                        .parentShards(Stream.of(shard.parentShardId(), shard.adjacentParentShardId())
                                .filter(Objects::nonNull)
                                .toList())
                        .hashKeyRange(shard.hashKeyRange())
                        .build());
            }
        }
        if (children.isEmpty()) {
            throw new IllegalStateException(shardId + " of " + stream + " has no children");
        }
        closed.put(shardId, List.copyOf(children));
    }

    @Override
    CompletableFuture<Void> subscribe(SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        String shard = request.shardId();
        return SubscriptionTap.subscribe(delegate, request, handler, event -> {
            List<ChildShard> children = closed.get(shard);
            if (children != null
                    && event instanceof SubscribeToShardEvent e
                    && e.records().isEmpty()) {
                finalEventsSent.add(shard);
                return SubscriptionTap.Step.pass(SubscribeToShardEvent.builder()
                        .records(List.of())
                        .millisBehindLatest(e.millisBehindLatest())
                        .childShards(children)
                        .build());
            }
            return SubscriptionTap.Step.pass(event);
        });
    }
}
