package dev.kcl.fanout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Makes a real subscription whose events pass through a {@link Tap} on the way to the reader: the tap may change an
 * event, and after passing it may end the subscription normally (as the five-minute expiry does) or with an error (as
 * a read timeout or a connection reset does). An ended subscription is cancelled upstream and reported to the reader
 * the way the SDK reports it: to the event-stream subscriber, to the response handler and through the call's future.
 */
final class SubscriptionTap {
    private SubscriptionTap() {}

    /** What happens after an event. */
    record Step(SubscribeToShardEventStream pass, boolean complete, Throwable failure) {
        static Step pass(SubscribeToShardEventStream event) {
            return new Step(event, false, null);
        }

        static Step completeAfter(SubscribeToShardEventStream event) {
            return new Step(event, true, null);
        }

        static Step failAfter(SubscribeToShardEventStream event, Throwable failure) {
            return new Step(event, false, failure);
        }
    }

    /** Sees each event of one subscription, in order. */
    @FunctionalInterface
    interface Tap {
        Step onEvent(SubscribeToShardEventStream event);
    }

    static CompletableFuture<Void> subscribe(
            KinesisAsyncClient delegate,
            SubscribeToShardRequest request,
            SubscribeToShardResponseHandler handler,
            Tap tap) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        AtomicBoolean ended = new AtomicBoolean();
        delegate.subscribeToShard(request, new SubscribeToShardResponseHandler() {
                    @Override
                    public void responseReceived(SubscribeToShardResponse response) {
                        handler.responseReceived(response);
                    }

                    @Override
                    public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
                        handler.onEventStream(downstream -> publisher.subscribe(new Subscriber<>() {
                            private Subscription upstream;

                            @Override
                            public void onSubscribe(Subscription s) {
                                upstream = s;
                                downstream.onSubscribe(s);
                            }

                            @Override
                            public void onNext(SubscribeToShardEventStream event) {
                                if (ended.get()) {
                                    return;
                                }
                                Step step = tap.onEvent(event);
                                downstream.onNext(step.pass());
                                if ((step.complete() || step.failure() != null) && ended.compareAndSet(false, true)) {
                                    upstream.cancel();
                                    if (step.failure() != null) {
                                        downstream.onError(step.failure());
                                        handler.exceptionOccurred(step.failure());
                                        result.completeExceptionally(step.failure());
                                    } else {
                                        downstream.onComplete();
                                        handler.complete();
                                        result.complete(null);
                                    }
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                if (!ended.get()) {
                                    downstream.onError(t);
                                }
                            }

                            @Override
                            public void onComplete() {
                                if (!ended.get()) {
                                    downstream.onComplete();
                                }
                            }
                        }));
                    }

                    @Override
                    public void exceptionOccurred(Throwable throwable) {
                        if (!ended.get()) {
                            handler.exceptionOccurred(throwable);
                        }
                    }

                    @Override
                    public void complete() {
                        if (!ended.get()) {
                            handler.complete();
                        }
                    }
                })
                .whenComplete((done, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(null);
                    }
                });
        return result;
    }
}
