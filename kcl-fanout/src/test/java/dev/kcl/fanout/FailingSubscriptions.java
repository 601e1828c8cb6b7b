package dev.kcl.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Wraps a client so that the first {@code failuresPerShard} subscriptions of each shard break in the middle of the
 * stream, after {@code afterEvents} events that carried records, with the failure the SDK reports when a connection
 * times out or is reset. Records what the reader had been told before each failure, to check where it resumed.
 */
final class FailingSubscriptions extends ForwardingKinesis {
    /** One injected failure: which subscription of the shard broke, and the last continuation its reader got. */
    record Injected(String shardId, int subscription, String lastContinuation) {}

    private final int afterEvents;
    private final int failuresPerShard;
    private final Supplier<Throwable> failure;
    private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
    final List<Injected> injected = new CopyOnWriteArrayList<>();

    FailingSubscriptions(
            KinesisAsyncClient delegate, int afterEvents, int failuresPerShard, Supplier<Throwable> failure) {
        super(delegate);
        this.afterEvents = afterEvents;
        this.failuresPerShard = failuresPerShard;
        this.failure = failure;
    }

    /** What the SDK reports when no bytes arrive within its read timeout. */
    static Throwable readTimeout() {
        return SdkClientException.builder()
                .message("Unable to execute HTTP request: read timed out")
                .cause(ReadTimeoutException.INSTANCE)
                .build();
    }

    /** What the SDK reports when the peer resets the connection. */
    static Throwable connectionReset() {
        return SdkClientException.builder()
                .message("Unable to execute HTTP request: Connection reset by peer")
                .cause(new IOException("Connection reset by peer"))
                .build();
    }

    @Override
    CompletableFuture<Void> subscribe(SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        String shard = request.shardId();
        int index = starts.get(shard).size() - 1;
        AtomicInteger failedSoFar = failed.computeIfAbsent(shard, k -> new AtomicInteger());
        if (failedSoFar.get() >= failuresPerShard) {
            return delegate.subscribeToShard(request, handler);
        }
        int[] withRecords = {0};
        return SubscriptionTap.subscribe(delegate, request, handler, event -> {
            if (event instanceof SubscribeToShardEvent e
                    && !e.records().isEmpty()
                    && e.continuationSequenceNumber() != null
                    && ++withRecords[0] >= afterEvents
                    && failedSoFar.get() < failuresPerShard) {
                failedSoFar.incrementAndGet();
                injected.add(new Injected(shard, index, e.continuationSequenceNumber()));
                return SubscriptionTap.Step.failAfter(event, failure.get());
            }
            return SubscriptionTap.Step.pass(event);
        });
    }

    /** Every broken subscription was followed by one that started right after the last continuation its reader got. */
    void assertResumedAfterTheLastContinuation() {
        assertThat(injected).as("failures injected").isNotEmpty();
        for (Injected broken : injected) {
            List<StartingPosition> shardStarts = starts.get(broken.shardId());
            assertThat(shardStarts)
                    .as(broken + " was followed by a subscription")
                    .hasSizeGreaterThan(broken.subscription() + 1);
            StartingPosition next = shardStarts.get(broken.subscription() + 1);
            assertThat(next.type()).as("after " + broken).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
            assertThat(next.sequenceNumber()).as("after " + broken).isEqualTo(broken.lastContinuation());
        }
    }
}
