package dev.kcl.fanout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
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
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Wraps a client so that every subscription completes after {@code lifetime}, as AWS ends each after five minutes:
 * the emulator never does within a test. Counts subscriptions.
 */
final class ExpiringSubscriptions implements KinesisAsyncClient {
    private final KinesisAsyncClient delegate;
    private final Duration lifetime;
    final AtomicInteger subscriptions = new AtomicInteger();

    ExpiringSubscriptions(KinesisAsyncClient delegate, Duration lifetime) {
        this.delegate = delegate;
        this.lifetime = lifetime;
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(
            SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        subscriptions.incrementAndGet();
        long expiresAt = System.nanoTime() + lifetime.toNanos();
        return delegate.subscribeToShard(request, new SubscribeToShardResponseHandler() {
            @Override
            public void responseReceived(SubscribeToShardResponse response) {
                handler.responseReceived(response);
            }

            @Override
            public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
                handler.onEventStream(downstream -> publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                    private Subscription upstream;
                    private boolean done;

                    @Override
                    public void onSubscribe(Subscription s) {
                        upstream = s;
                        downstream.onSubscribe(s);
                    }

                    @Override
                    public void onNext(SubscribeToShardEventStream event) {
                        if (done) {
                            return;
                        }
                        downstream.onNext(event);
                        if (System.nanoTime() > expiresAt) {
                            done = true;
                            upstream.cancel();
                            downstream.onComplete(); // as the five-minute expiry does, right after an event
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!done) {
                            downstream.onError(t);
                        }
                    }

                    @Override
                    public void onComplete() {
                        if (!done) {
                            done = true;
                            downstream.onComplete();
                        }
                    }
                }));
            }

            @Override
            public void exceptionOccurred(Throwable throwable) {
                handler.exceptionOccurred(throwable);
            }

            @Override
            public void complete() {
                handler.complete();
            }
        });
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
