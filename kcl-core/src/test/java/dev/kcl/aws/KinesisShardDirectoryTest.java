package dev.kcl.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.spi.ShardDirectory;
import dev.kcl.spi.ShardInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/** ListShards answered page by page by a scripted client. */
class KinesisShardDirectoryTest {
    private final List<ListShardsRequest> requests = new ArrayList<>();

    /** Three pages: shards 0-1, 2-3 (3 a child of 1 and 2), 4 (closed). */
    private final KinesisAsyncClient kinesis = new KinesisAsyncClient() {
        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            requests.add(request);
            ListShardsResponse page = switch (request.nextToken() == null ? "first" : request.nextToken()) {
                case "first" ->
                    ListShardsResponse.builder()
                            .shards(shard("shardId-0", null, null), shard("shardId-1", null, null))
                            .nextToken("page-2")
                            .build();
                case "page-2" ->
                    ListShardsResponse.builder()
                            .shards(shard("shardId-2", null, null), shard("shardId-3", "shardId-1", "shardId-2"))
                            .nextToken("page-3")
                            .build();
                default ->
                    ListShardsResponse.builder()
                            .shards(shard("shardId-4", null, null).toBuilder()
                                    .sequenceNumberRange(
                                            r -> r.startingSequenceNumber("1").endingSequenceNumber("9"))
                                    .build())
                            .build();
            };
            return CompletableFuture.completedFuture(page);
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {}
    };

    private static Shard shard(String id, String parent, String adjacentParent) {
        return Shard.builder()
                .shardId(id)
                .parentShardId(parent)
                .adjacentParentShardId(adjacentParent)
                .hashKeyRange(r -> r.startingHashKey("0").endingHashKey("100"))
                .sequenceNumberRange(r -> r.startingSequenceNumber("1"))
                .build();
    }

    @Test
    void followsEveryPageAndKeepsTheFilterOnlyOnTheFirstRequest() {
        List<ShardInfo> shards = new KinesisShardDirectory(kinesis, "orders")
                .listShards(ShardDirectory.Filter.AT_TRIM_HORIZON, Instant.EPOCH);

        assertThat(shards)
                .extracting(ShardInfo::shardId)
                .containsExactly("shardId-0", "shardId-1", "shardId-2", "shardId-3", "shardId-4");
        assertThat(shards.get(3).parentShardIds()).containsExactlyInAnyOrder("shardId-1", "shardId-2");
        assertThat(shards.get(4).open()).isFalse();
        assertThat(shards.get(0).open()).isTrue();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).streamName()).isEqualTo("orders");
        assertThat(requests.get(0).shardFilter().type()).isEqualTo(ShardFilterType.AT_TRIM_HORIZON);
        // a page request carries only the token: ListShards rejects a stream name or filter beside it
        assertThat(requests.subList(1, 3)).allSatisfy(r -> {
            assertThat(r.streamName()).isNull();
            assertThat(r.shardFilter()).isNull();
        });
        assertThat(requests.get(2).nextToken()).isEqualTo("page-3");
    }
}
