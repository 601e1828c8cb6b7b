package dev.kcl.fanout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersRequest;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * A scripted Kinesis client for unit tests at the SDK edge: control-plane calls answer from scripts set by the test,
 * and each SubscribeToShard becomes a {@link FakeSubscription} the test drives (open, emit events on demand, fail,
 * complete), as the SDK's HTTP/2 event stream would. Calls not scripted here throw {@link UnsupportedOperationException}
 * (the interface's defaults).
 */
final class FakeKinesis implements KinesisAsyncClient {
    final Script<DescribeStreamConsumerResponse> describes = new Script<>("DescribeStreamConsumer");
    final Script<RegisterStreamConsumerResponse> registers = new Script<>("RegisterStreamConsumer");
    final Script<ListStreamConsumersResponse> lists = new Script<>("ListStreamConsumers");
    final Script<DeregisterStreamConsumerResponse> deregisters = new Script<>("DeregisterStreamConsumer");
    final List<FakeSubscription> subscriptions = new CopyOnWriteArrayList<>();

    /** Outcomes of one operation, in order; the last one repeats. Records the requests. */
    static final class Script<T> {
        private final String operation;
        private final Deque<Function<Object, CompletableFuture<T>>> outcomes = new ArrayDeque<>();
        private Function<Object, CompletableFuture<T>> last;
        final List<Object> requests = new CopyOnWriteArrayList<>();

        Script(String operation) {
            this.operation = operation;
        }

        synchronized Script<T> answer(T response) {
            outcomes.add(request -> CompletableFuture.completedFuture(response));
            return this;
        }

        synchronized Script<T> fail(Throwable error) {
            outcomes.add(request -> CompletableFuture.failedFuture(error));
            return this;
        }

        synchronized CompletableFuture<T> call(Object request) {
            requests.add(request);
            Function<Object, CompletableFuture<T>> next = outcomes.isEmpty() ? last : outcomes.poll();
            if (next == null) {
                throw new AssertionError(operation + " was not expected: " + request);
            }
            last = next;
            return next.apply(request);
        }

        int calls() {
            return requests.size();
        }
    }

    static ResourceNotFoundException notFound(String message) {
        return ResourceNotFoundException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(details("ResourceNotFoundException", message))
                .build();
    }

    static ResourceInUseException inUse(String message) {
        return ResourceInUseException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(details("ResourceInUseException", message))
                .build();
    }

    static LimitExceededException limitExceeded(String message) {
        return LimitExceededException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(details("LimitExceededException", message))
                .build();
    }

    static AccessDeniedException accessDenied(String message) {
        return AccessDeniedException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(details("AccessDeniedException", message))
                .build();
    }

    private static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName("Kinesis")
                .build();
    }

    static DescribeStreamConsumerResponse consumer(String arn, ConsumerStatus status) {
        return DescribeStreamConsumerResponse.builder()
                .consumerDescription(ConsumerDescription.builder()
                        .consumerName("app")
                        .consumerARN(arn)
                        .consumerStatus(status)
                        .build())
                .build();
    }

    static ListStreamConsumersResponse consumers(int count, String nextToken) {
        List<Consumer> consumers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            consumers.add(Consumer.builder()
                    .consumerName("other-" + i)
                    .consumerStatus(ConsumerStatus.ACTIVE)
                    .build());
        }
        return ListStreamConsumersResponse.builder()
                .consumers(consumers)
                .nextToken(nextToken)
                .build();
    }

    /** An event with the given records (by sequence number) and continuation sequence number. */
    static SubscribeToShardEvent event(String continuation, long... sequenceNumbers) {
        List<Record> records = new ArrayList<>();
        for (long sequence : sequenceNumbers) {
            records.add(Record.builder()
                    .sequenceNumber(Long.toString(sequence))
                    .partitionKey("key-" + sequence)
                    .data(SdkBytes.fromUtf8String("record-" + sequence))
                    .approximateArrivalTimestamp(Instant.EPOCH)
                    .build());
        }
        return SubscribeToShardEvent.builder()
                .records(records)
                .continuationSequenceNumber(continuation)
                .millisBehindLatest(0L)
                .build();
    }

    /** The final event of a closed shard: no continuation sequence number, the children instead. */
    static SubscribeToShardEvent finalEvent(String parent, String... children) {
        List<ChildShard> childShards = new ArrayList<>();
        for (String child : children) {
            childShards.add(ChildShard.builder()
                    .shardId(child)
                    .parentShards(parent)
                    .hashKeyRange(HashKeyRange.builder()
                            .startingHashKey("0")
                            .endingHashKey("100")
                            .build())
                    .build());
        }
        return SubscribeToShardEvent.builder()
                .records(List.of())
                .millisBehindLatest(0L)
                .childShards(childShards)
                .build();
    }

    /** One SubscribeToShard call, driven by the test. */
    static final class FakeSubscription implements Subscription {
        final SubscribeToShardRequest request;
        private final SubscribeToShardResponseHandler handler;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** The argument of every {@code request(n)} call, in order. */
        final List<Long> requests = new CopyOnWriteArrayList<>();

        private Subscriber<? super SubscribeToShardEventStream> subscriber;
        private long demand;
        private volatile boolean cancelled;

        FakeSubscription(SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
            this.request = request;
            this.handler = handler;
        }

        /** The service accepts the subscription and opens the event stream. */
        FakeSubscription open() {
            handler.responseReceived(SubscribeToShardResponse.builder().build());
            handler.onEventStream(s -> {
                subscriber = s;
                s.onSubscribe(this);
            });
            return this;
        }

        /** Sends one event; the subscriber must have asked for it, as Reactive Streams requires. */
        void emit(SubscribeToShardEvent event) {
            synchronized (this) {
                if (demand <= 0) {
                    throw new AssertionError("event sent without demand on " + request.shardId());
                }
                demand--;
            }
            subscriber.onNext(event);
        }

        /** Sends events for as long as the subscriber asks, each from {@code next}; returns how many were sent. */
        int emitWhileRequested(java.util.function.IntFunction<SubscribeToShardEvent> next) {
            int sent = 0;
            while (demand() > 0) {
                emit(next.apply(sent++));
            }
            return sent;
        }

        synchronized long demand() {
            return demand;
        }

        /** Fails the subscription the way the SDK reports a broken stream: to the subscriber, handler and future. */
        void fail(Throwable error) {
            if (subscriber != null) {
                subscriber.onError(error);
            }
            handler.exceptionOccurred(error);
            done.completeExceptionally(error);
        }

        /** Ends the subscription normally, as the service does after five minutes. */
        void complete() {
            if (subscriber != null) {
                subscriber.onComplete();
            }
            handler.complete();
            done.complete(null);
        }

        boolean cancelled() {
            return cancelled;
        }

        String startingSequenceNumber() {
            return request.startingPosition().sequenceNumber();
        }

        @Override
        public void request(long n) {
            requests.add(n);
            synchronized (this) {
                demand += n;
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    FakeSubscription lastSubscription() {
        if (subscriptions.isEmpty()) {
            throw new AssertionError("no subscription yet");
        }
        return subscriptions.get(subscriptions.size() - 1);
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(
            SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        FakeSubscription subscription = new FakeSubscription(request, handler);
        subscriptions.add(subscription);
        return subscription.done;
    }

    @Override
    public CompletableFuture<DescribeStreamConsumerResponse> describeStreamConsumer(DescribeStreamConsumerRequest r) {
        return describes.call(r);
    }

    @Override
    public CompletableFuture<RegisterStreamConsumerResponse> registerStreamConsumer(RegisterStreamConsumerRequest r) {
        return registers.call(r);
    }

    @Override
    public CompletableFuture<ListStreamConsumersResponse> listStreamConsumers(ListStreamConsumersRequest r) {
        return lists.call(r);
    }

    @Override
    public CompletableFuture<DeregisterStreamConsumerResponse> deregisterStreamConsumer(
            DeregisterStreamConsumerRequest r) {
        return deregisters.call(r);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
