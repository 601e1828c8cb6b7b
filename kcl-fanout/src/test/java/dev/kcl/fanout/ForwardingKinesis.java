package dev.kcl.fanout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersRequest;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Forwards every call a fan-out worker makes to a delegate client and records where each subscription started.
 * Fault-injecting wrappers extend it and change {@link #subscribe}. Does not close the delegate.
 */
class ForwardingKinesis implements KinesisAsyncClient {
    final KinesisAsyncClient delegate;
    /** SubscribeToShard calls so far. */
    final AtomicInteger subscriptions = new AtomicInteger();
    /** Per shard, the starting position of each SubscribeToShard call, in order. */
    final Map<String, List<StartingPosition>> starts = new ConcurrentHashMap<>();

    ForwardingKinesis(KinesisAsyncClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public final CompletableFuture<Void> subscribeToShard(
            SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        subscriptions.incrementAndGet();
        starts.computeIfAbsent(request.shardId(), k -> new CopyOnWriteArrayList<>())
                .add(request.startingPosition());
        return subscribe(request, handler);
    }

    /** Makes the subscription; forwards it unchanged. */
    CompletableFuture<Void> subscribe(SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        return delegate.subscribeToShard(request, handler);
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest r) {
        return delegate.describeStreamSummary(r);
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest r) {
        return delegate.listShards(r);
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest r) {
        return delegate.getShardIterator(r);
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest r) {
        return delegate.getRecords(r);
    }

    @Override
    public CompletableFuture<DescribeStreamConsumerResponse> describeStreamConsumer(DescribeStreamConsumerRequest r) {
        return delegate.describeStreamConsumer(r);
    }

    @Override
    public CompletableFuture<RegisterStreamConsumerResponse> registerStreamConsumer(RegisterStreamConsumerRequest r) {
        return delegate.registerStreamConsumer(r);
    }

    @Override
    public CompletableFuture<ListStreamConsumersResponse> listStreamConsumers(ListStreamConsumersRequest r) {
        return delegate.listStreamConsumers(r);
    }

    @Override
    public CompletableFuture<DeregisterStreamConsumerResponse> deregisterStreamConsumer(
            DeregisterStreamConsumerRequest r) {
        return delegate.deregisterStreamConsumer(r);
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {}
}
