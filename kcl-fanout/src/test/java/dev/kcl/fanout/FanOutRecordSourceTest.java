package dev.kcl.fanout;

import static dev.kcl.fanout.ConsumerRegistrationTest.CONSUMER_ARN;
import static dev.kcl.fanout.ConsumerRegistrationTest.STREAM_ARN;
import static dev.kcl.fanout.FakeKinesis.accessDenied;
import static dev.kcl.fanout.FakeKinesis.consumer;
import static dev.kcl.fanout.FakeKinesis.event;
import static dev.kcl.fanout.FakeKinesis.finalEvent;
import static dev.kcl.fanout.FakeKinesis.inUse;
import static dev.kcl.fanout.FakeKinesis.notFound;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.kcl.KinesisRecord;
import dev.kcl.checkpoint.Checkpoint;
import dev.kcl.fanout.FakeKinesis.FakeSubscription;
import dev.kcl.spi.ChildShard;
import dev.kcl.spi.RecordBatch;
import dev.kcl.spi.RecordSource;
import dev.kcl.spi.RetrievalMetrics;
import dev.kcl.time.Backoff;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import dev.kcl.time.TaskScheduler;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard read through SubscribeToShard against a scripted client, on a fake clock and a manual timer: back-pressure,
 * resubscription after renewals and failures, what is logged, re-registration, and the final event.
 */
class FanOutRecordSourceTest {
    private static final String SHARD = "shardId-000000000001";
    private static final String NEW_CONSUMER_ARN = STREAM_ARN + "/consumer/app:1800000000";

    private final FakeTime time = new FakeTime();
    private final ManualScheduler scheduler = new ManualScheduler(time);
    /** Every delay the source asked the timer for. */
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    private final TaskScheduler timer = (task, delay) -> {
        delays.add(delay);
        return scheduler.schedule(task, delay);
    };
    private final FakeKinesis kinesis = new FakeKinesis();
    private final ConsumerRegistration registration =
            new ConsumerRegistration(kinesis, STREAM_ARN, "app", Duration.ofMinutes(2), timer, time);
    // Never started: these tests end shards with the final event, not the emulator fallback.
    private final ClosedShardWatcher watcher = new ClosedShardWatcher(kinesis, "orders", timer, Duration.ofSeconds(10));
    private final LogCapture log = LogCapture.of(FanOutRecordSource.class);

    @AfterEach
    void detachLog() {
        log.close();
    }

    private FanOutRecordSource source(FanOutConfig config) {
        return new FanOutRecordSource(
                kinesis,
                "orders",
                registration,
                CONSUMER_ARN,
                SHARD,
                new Checkpoint.TrimHorizon(),
                config,
                timer,
                time,
                RetrievalMetrics.none(),
                watcher);
    }

    private FanOutRecordSource source() {
        return source(FanOutConfig.builder("app").build());
    }

    /** A processor that takes every batch as soon as it arrives, recording the sequence numbers in order. */
    private static final class Processor {
        final List<String> sequences = new CopyOnWriteArrayList<>();
        volatile List<ChildShard> children;

        void consume(RecordSource source) {
            source.next().thenAccept(batch -> {
                batch.records().forEach(r -> sequences.add(r.sequenceNumber()));
                if (batch.shardEnded()) {
                    children = batch.childShards().orElseThrow();
                } else {
                    consume(source);
                }
            });
        }
    }

    /** Lets {@code duration} of fake time pass in small steps, running what falls due. */
    private void pass(Duration duration) {
        Duration step = Duration.ofMillis(50);
        for (Duration done = Duration.ZERO; done.compareTo(duration) < 0; done = done.plus(step)) {
            time.advance(step);
            scheduler.runDueTasks();
        }
    }

    private static List<String> sequences(RecordBatch batch) {
        return batch.records().stream().map(KinesisRecord::sequenceNumber).toList();
    }

    // ---- back-pressure

    @Test
    void eventsAreRequestedOneAtATimeAndOnlyAsTheProcessorTakesThem() {
        FanOutRecordSource source =
                source(FanOutConfig.builder("app").maxPendingEvents(2).build());
        long[] next = {1};
        java.util.function.IntFunction<software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent> events =
                i -> {
                    long n = next[0]++;
                    return event(Long.toString(n), n);
                };

        // Given a processor that takes one batch and then stops, and a stream with more events than that
        CompletableFuture<RecordBatch> first = source.next();
        FakeSubscription subscription = kinesis.lastSubscription().open();

        // When the service sends every event the source asks for
        int sent = subscription.emitWhileRequested(events);
        pass(Duration.ofSeconds(30));
        sent += subscription.emitWhileRequested(events);

        // Then the source asked for one event at a time: the one taken plus maxPendingEvents waiting, no more
        assertThat(first).isCompleted();
        assertThat(sequences(first.join())).containsExactly("1");
        assertThat(sent).isEqualTo(1 + 2);
        assertThat(subscription.requests).hasSize(3).containsOnly(1L);

        // When the processor takes one more batch
        RecordBatch second = source.next().join();

        // Then exactly one more event is requested, and the buffer is full again after it
        assertThat(sequences(second)).containsExactly("2");
        assertThat(subscription.requests).hasSize(4).containsOnly(1L);
        assertThat(subscription.emitWhileRequested(events)).isEqualTo(1);
        assertThat(subscription.requests).hasSize(4);
        assertThat(sequences(source.next().join())).containsExactly("3");
        assertThat(sequences(source.next().join())).containsExactly("4");
    }

    @Test
    void eventsWithoutRecordsAreNotBufferedAndTheNextIsRequestedAtOnce() {
        FanOutRecordSource source =
                source(FanOutConfig.builder("app").maxPendingEvents(1).build());
        CompletableFuture<RecordBatch> first = source.next();
        FakeSubscription subscription = kinesis.lastSubscription().open();

        subscription.emit(event("1"));
        subscription.emit(event("2"));
        subscription.emit(event("3", 3));

        assertThat(sequences(first.join())).containsExactly("3");
        assertThat(subscription.requests).hasSize(4).containsOnly(1L);
    }

    // ---- resubscription

    @Test
    void aSubscriptionThatCompletesIsRenewedAtOnceAfterTheLastContinuation() {
        Processor processor = new Processor();
        processor.consume(source());
        FakeSubscription first = kinesis.lastSubscription().open();
        first.emit(event("10", 9, 10));

        // When the service ends the subscription, as it does after five minutes
        first.complete();

        // Then the source subscribes again at once, after the last continuation, without counting a failure
        FakeSubscription second = kinesis.lastSubscription();
        assertThat(second).isNotSameAs(first);
        assertThat(second.request.startingPosition().type()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        assertThat(second.startingSequenceNumber()).isEqualTo("10");
        assertThat(delays).isEmpty();
        second.open().emit(event("12", 11, 12));
        assertThat(processor.sequences).containsExactly("9", "10", "11", "12");
        assertThat(log.warningsAndErrors()).isEmpty();
    }

    static Stream<Arguments> brokenConnections() {
        return Stream.of(
                Arguments.of(
                        "read timeout",
                        SdkClientException.builder()
                                .message("Unable to execute HTTP request: read timed out")
                                .cause(ReadTimeoutException.INSTANCE)
                                .build()),
                // what the response handler itself gets when the SDK's read timeout fires (measured through
                // FaultProxy): the bare Netty exception
                Arguments.of("read timeout as the handler sees it", ReadTimeoutException.INSTANCE),
                Arguments.of(
                        "connection reset",
                        SdkClientException.builder()
                                .message("Unable to execute HTTP request: Connection reset by peer")
                                .cause(new IOException("Connection reset by peer"))
                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConnections")
    void aBrokenConnectionResubscribesAfterTheLastContinuationWithoutAWarning(String what, Throwable failure) {
        // Given a subscription that delivered records up to continuation 3
        Processor processor = new Processor();
        processor.consume(source());
        FakeSubscription first = kinesis.lastSubscription().open();
        first.emit(event("2", 1, 2));
        first.emit(event("3", 3));

        // When the connection breaks
        first.fail(failure);

        // Then the source subscribes again within 5 s, after continuation 3, and nothing is lost or repeated
        assertThat(delays).hasSize(1);
        assertThat(delays.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        pass(Duration.ofSeconds(5));
        FakeSubscription second = kinesis.lastSubscription();
        assertThat(second).isNotSameAs(first);
        assertThat(second.request.consumerARN()).isEqualTo(CONSUMER_ARN);
        assertThat(second.request.startingPosition().type()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        assertThat(second.startingSequenceNumber()).isEqualTo("3");
        second.open().emit(event("5", 4, 5));
        assertThat(processor.sequences).containsExactly("1", "2", "3", "4", "5");
        // and one failure is routine: no warning
        assertThat(log.warningsAndErrors()).isEmpty();
    }

    @Test
    void resourceInUseAfterARenewalIsRetriedWithinFiveSecondsAndWarnsOnlyAfterThreeFailuresOverFiveSeconds() {
        Processor processor = new Processor();
        processor.consume(source());
        FakeSubscription first = kinesis.lastSubscription().open();
        first.emit(event("1", 1));
        first.complete(); // renewed at once: the old subscription may still hold the shard

        // Failures 1 and 2: routine
        kinesis.lastSubscription().fail(inUse("Another active subscription exists for this consumer"));
        assertThat(log.warningsAndErrors()).isEmpty();
        pass(Duration.ofSeconds(5));
        kinesis.lastSubscription().fail(inUse("Another active subscription exists for this consumer"));
        assertThat(log.warningsAndErrors()).isEmpty();

        // Failure 3, 5 s or more after the first: a warning naming the shard
        pass(Duration.ofSeconds(5));
        FakeSubscription third = kinesis.lastSubscription();
        assertThat(third.startingSequenceNumber()).isEqualTo("1");
        third.fail(inUse("Another active subscription exists for this consumer"));
        assertThat(log.at(Level.WARN))
                .singleElement()
                .asString()
                .contains(SHARD, "failed 3 times in a row", "ResourceInUseException");

        // Every wait was at most 5 s, and the shard reads again once the old subscription is gone
        assertThat(delays).hasSize(3).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(5)));
        pass(Duration.ofSeconds(5));
        kinesis.lastSubscription().open().emit(event("2", 2));
        assertThat(processor.sequences).containsExactly("1", "2");
        assertThat(log.at(Level.INFO)).anySatisfy(m -> assertThat(m).contains(SHARD, "works again"));
    }

    @Test
    void threeFailuresWithinFiveSecondsAreStillRoutine() {
        // Given a backoff of at most 1 s, so failures come fast
        Processor processor = new Processor();
        processor.consume(source(FanOutConfig.builder("app")
                .resubscribeBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Integer.MAX_VALUE))
                .build()));
        long firstFailure = time.nanos();
        kinesis.lastSubscription().fail(inUse("Another active subscription exists for this consumer"));

        // When it keeps failing, once a second
        int failures = 1;
        while (log.at(Level.WARN).isEmpty() && failures < 20) {
            pass(Duration.ofSeconds(1));
            kinesis.lastSubscription().fail(inUse("Another active subscription exists for this consumer"));
            failures++;
            if (failures >= 3
                    && time.nanos() - firstFailure < Duration.ofSeconds(5).toNanos()) {
                assertThat(log.warningsAndErrors())
                        .as("after %d failures", failures)
                        .isEmpty();
            }
        }

        // Then the warning comes with the first failure 5 s after the first one, not with the third
        assertThat(Duration.ofNanos(time.nanos() - firstFailure)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(failures).isGreaterThan(3);
        assertThat(log.at(Level.WARN)).hasSize(1);
    }

    // ---- errors a retry will not fix

    @Test
    void aConsumerDeregisteredWhileReadingIsRegisteredAgainAndActiveBeforeTheNextSubscription() {
        // Given a shard read up to continuation 1
        Processor processor = new Processor();
        processor.consume(source());
        FakeSubscription first = kinesis.lastSubscription().open();
        first.emit(event("1", 1));
        kinesis.describes
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(NEW_CONSUMER_ARN, ConsumerStatus.CREATING))
                .answer(consumer(NEW_CONSUMER_ARN, ConsumerStatus.ACTIVE));
        kinesis.registers.answer(RegisterStreamConsumerResponse.builder().build());

        // When the subscription says the consumer is not found (someone deregistered it)
        first.fail(notFound("Consumer " + CONSUMER_ARN + " not found"));

        // Then the source registers the consumer again and subscribes only once it is ACTIVE
        while (kinesis.describes.calls() < 3) {
            assertThat(kinesis.subscriptions)
                    .as("no subscription before ACTIVE")
                    .hasSize(1);
            pass(Duration.ofMillis(100));
        }
        assertThat(kinesis.registers.calls()).isEqualTo(1);
        FakeSubscription second = kinesis.lastSubscription();
        assertThat(second).isNotSameAs(first);
        assertThat(second.request.consumerARN()).isEqualTo(NEW_CONSUMER_ARN);
        assertThat(second.startingSequenceNumber()).isEqualTo("1");
        second.open().emit(event("2", 2));
        assertThat(processor.sequences).containsExactly("1", "2");
        assertThat(log.at(Level.WARN)).singleElement().asString().contains(SHARD, "may have been deregistered");
        assertThat(log.at(Level.ERROR)).isEmpty();
    }

    @Test
    void accessDeniedIsRetriedWithACappedBackoffAndLoggedAsAnErrorOncePerRunOfFailures() {
        Processor processor = new Processor();
        processor.consume(source());

        // When every subscription is refused for a missing permission
        for (int i = 0; i < 6; i++) {
            kinesis.lastSubscription()
                    .fail(accessDenied("User is not authorized to perform: kinesis:SubscribeToShard"));
            pass(Duration.ofSeconds(5));
        }

        // Then the source keeps trying, at most 5 s apart, with one error naming the shard and the error
        assertThat(kinesis.subscriptions).hasSize(7);
        assertThat(delays).hasSize(6).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(5)));
        assertThat(log.at(Level.ERROR))
                .singleElement()
                .asString()
                .contains(SHARD, "AccessDeniedException", "kinesis:SubscribeToShard");
        assertThat(log.at(Level.WARN)).isEmpty();

        // When the permission is granted, and later taken away again
        kinesis.lastSubscription().open().emit(event("1", 1));
        kinesis.lastSubscription().fail(accessDenied("User is not authorized to perform: kinesis:SubscribeToShard"));

        // Then reading resumed, and the new run of failures gets its own error
        assertThat(processor.sequences).containsExactly("1");
        assertThat(log.at(Level.ERROR)).hasSize(2);
    }

    // ---- shard end

    @Test
    void theFinalEventEndsTheShardWithItsChildrenAndNothingIsReadAfterIt() {
        Processor processor = new Processor();
        processor.consume(source());
        FakeSubscription subscription = kinesis.lastSubscription().open();
        subscription.emit(event("2", 1, 2));

        // When the last event of the closed shard arrives: no continuation, the children instead
        subscription.emit(finalEvent(SHARD, "shardId-000000000002", "shardId-000000000003"));

        // Then the processor gets the children after the parent's records, and the subscription is let go
        assertThat(processor.sequences).containsExactly("1", "2");
        assertThat(processor.children)
                .extracting(ChildShard::shardId)
                .containsExactlyInAnyOrder("shardId-000000000002", "shardId-000000000003");
        assertThat(processor.children)
                .allSatisfy(c -> assertThat(c.parentShardIds()).containsExactly(SHARD));
        assertThat(subscription.cancelled()).isTrue();
        pass(Duration.ofMinutes(1));
        assertThat(kinesis.subscriptions).hasSize(1);
    }
}
