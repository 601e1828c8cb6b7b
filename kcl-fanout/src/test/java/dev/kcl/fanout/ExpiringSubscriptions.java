package dev.kcl.fanout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Wraps a client so that every subscription completes after {@code lifetime}, right after an event, as AWS ends each
 * after five minutes: the emulator never does within a test. Counts subscriptions and records where each started.
 */
final class ExpiringSubscriptions extends ForwardingKinesis {
    private final Duration lifetime;

    ExpiringSubscriptions(KinesisAsyncClient delegate, Duration lifetime) {
        super(delegate);
        this.lifetime = lifetime;
    }

    @Override
    CompletableFuture<Void> subscribe(SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        long expiresAt = System.nanoTime() + lifetime.toNanos();
        return SubscriptionTap.subscribe(
                delegate,
                request,
                handler,
                event -> System.nanoTime() > expiresAt
                        ? SubscriptionTap.Step.completeAfter(event)
                        : SubscriptionTap.Step.pass(event));
    }
}
