package dev.kcl.fanout;

import static dev.kcl.fanout.FakeKinesis.accessDenied;
import static dev.kcl.fanout.FakeKinesis.consumer;
import static dev.kcl.fanout.FakeKinesis.consumers;
import static dev.kcl.fanout.FakeKinesis.inUse;
import static dev.kcl.fanout.FakeKinesis.limitExceeded;
import static dev.kcl.fanout.FakeKinesis.notFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.KclException;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersRequest;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;

/** Registration of the stream consumer against a scripted client, on a fake clock. */
class ConsumerRegistrationTest {
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";
    static final String CONSUMER_ARN = STREAM_ARN + "/consumer/app:1700000000";
    private static final RegisterStreamConsumerResponse REGISTERED =
            RegisterStreamConsumerResponse.builder().build();

    private final FakeTime time = new FakeTime();
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final FakeKinesis kinesis = new FakeKinesis();
    private final ConsumerRegistration registration =
            new ConsumerRegistration(kinesis, STREAM_ARN, "app", Duration.ofMinutes(2), scheduler, time);

    /** Lets the registration's pauses pass until it ends (at most 10 minutes of fake time). */
    private <T> CompletableFuture<T> settle(CompletableFuture<T> future) {
        for (int i = 0; i < 600 && !future.isDone(); i++) {
            time.advance(Duration.ofSeconds(1));
            scheduler.runDueTasks();
        }
        assertThat(future).as("registration ended").isDone();
        return future;
    }

    @Test
    void anActiveConsumerIsUsedWithoutRegistering() {
        kinesis.describes.answer(consumer(CONSUMER_ARN, ConsumerStatus.ACTIVE));

        assertThat(settle(registration.ensureActive()).join()).isEqualTo(CONSUMER_ARN);
        assertThat(kinesis.registers.calls()).isZero();
    }

    @Test
    void aWorkerThatLosesTheRegistrationRaceWaitsForTheWinnersConsumerToBeActive() {
        // Given another worker registers the consumer between this worker's describe and register
        kinesis.describes
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.CREATING))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.ACTIVE));
        kinesis.registers.fail(inUse("Consumer app already exists"));

        // When this worker ensures the consumer
        String arn = settle(registration.ensureActive()).join();

        // Then it waits through CREATING for the winner's consumer, registering once
        assertThat(arn).isEqualTo(CONSUMER_ARN);
        assertThat(kinesis.registers.calls()).isEqualTo(1);
        assertThat(kinesis.describes.calls()).isEqualTo(3);
    }

    @Test
    void registrationIsTriedAgainWhileTheStreamIsUpdating() {
        // Given a stream being resharded: RegisterStreamConsumer answers ResourceInUse and registers nothing
        kinesis.describes
                .fail(notFound("StreamConsumer app not found"))
                .fail(notFound("StreamConsumer app not found"))
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.CREATING))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.ACTIVE));
        kinesis.registers
                .fail(inUse("Stream orders is UPDATING"))
                .fail(inUse("Stream orders is UPDATING"))
                .answer(REGISTERED);

        // When the worker ensures the consumer
        String arn = settle(registration.ensureActive()).join();

        // Then it registers again until the stream is ACTIVE and the registration takes, then waits for ACTIVE
        assertThat(arn).isEqualTo(CONSUMER_ARN);
        assertThat(kinesis.registers.calls()).isEqualTo(3);
    }

    @Test
    void theStreamsConsumerLimitFailsWithAnErrorNamingStreamConsumerAndLimit() {
        // Given a stream with 20 consumers, across two pages, and a LimitExceeded whose text says nothing useful
        kinesis.describes.fail(notFound("StreamConsumer app not found"));
        kinesis.registers.fail(limitExceeded("Rate exceeded"));
        kinesis.lists.answer(consumers(15, "page-2")).answer(consumers(5, null));

        // When the worker ensures the consumer
        CompletableFuture<String> result = settle(registration.ensureActive());

        // Then it fails at once with a clear error, after counting the registered consumers
        assertThatThrownBy(result::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(KclException.class)
                .hasMessageContaining(STREAM_ARN)
                .hasMessageContaining("consumer app")
                .hasMessageContaining("20 registered consumers")
                .hasMessageContaining("the most a stream may have (20)");
        assertThat(kinesis.registers.calls()).isEqualTo(1);
        assertThat(kinesis.lists.requests)
                .extracting(r -> ((ListStreamConsumersRequest) r).nextToken())
                .containsExactly(null, "page-2");
        assertThat(kinesis.lists.requests)
                .allSatisfy(r ->
                        assertThat(((ListStreamConsumersRequest) r).streamARN()).isEqualTo(STREAM_ARN));
    }

    @Test
    void limitExceededBelowTheConsumerLimitIsTheRateLimitAndIsRetried() {
        kinesis.describes
                .fail(notFound("StreamConsumer app not found"))
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.ACTIVE));
        kinesis.registers.fail(limitExceeded("too many consumers registering")).answer(REGISTERED);
        kinesis.lists.answer(consumers(3, null));

        assertThat(settle(registration.ensureActive()).join()).isEqualTo(CONSUMER_ARN);
        assertThat(kinesis.registers.calls()).isEqualTo(2);
    }

    @Test
    void accessDeniedFailsAtOnceNamingThePermissions() {
        kinesis.describes.fail(accessDenied("not authorized to perform kinesis:DescribeStreamConsumer"));

        CompletableFuture<String> result = registration.ensureActive();

        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join)
                .cause()
                .isInstanceOf(KclException.class)
                .hasMessageContaining("kinesis:DescribeStreamConsumer")
                .hasMessageContaining("AccessDeniedException");
    }

    @Test
    void aConsumerThatStaysCreatingFailsAfterTheTimeout() {
        kinesis.describes.answer(consumer(CONSUMER_ARN, ConsumerStatus.CREATING));

        CompletableFuture<String> result = settle(registration.ensureActive());

        assertThatThrownBy(result::join)
                .cause()
                .isInstanceOf(KclException.class)
                .hasMessageContaining("did not become ACTIVE within PT2M");
    }

    @Test
    void callersDuringARegistrationShareIt() {
        kinesis.describes
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.ACTIVE));
        kinesis.registers.answer(REGISTERED);

        CompletableFuture<String> first = registration.ensureActive();
        CompletableFuture<String> second = registration.ensureActive();
        settle(first);
        settle(second);

        assertThat(first.join()).isEqualTo(CONSUMER_ARN);
        assertThat(second.join()).isEqualTo(CONSUMER_ARN);
        assertThat(kinesis.registers.calls()).isEqualTo(1);
        assertThat(kinesis.describes.calls()).isEqualTo(2);
    }

    @Test
    void aDeletedConsumerIsRegisteredAgainOnceItIsGone() {
        kinesis.describes
                .answer(consumer(CONSUMER_ARN, ConsumerStatus.DELETING))
                .fail(notFound("StreamConsumer app not found"))
                .answer(consumer(CONSUMER_ARN + "-2", ConsumerStatus.ACTIVE));
        kinesis.registers.answer(REGISTERED);

        assertThat(settle(registration.ensureActive()).join()).isEqualTo(CONSUMER_ARN + "-2");
        assertThat(kinesis.registers.calls()).isEqualTo(1);
    }

    @Test
    void deregisteringAConsumerThatIsNotRegisteredDoesNothing() {
        kinesis.deregisters.fail(notFound("StreamConsumer app not found"));

        assertThatCode(() -> ConsumerRegistration.deregister(kinesis, STREAM_ARN, "app"))
                .doesNotThrowAnyException();
    }

    @Test
    void deregisteringNamesStreamAndConsumer() {
        kinesis.deregisters.answer(DeregisterStreamConsumerResponse.builder().build());

        ConsumerRegistration.deregister(kinesis, STREAM_ARN, "app");

        DeregisterStreamConsumerRequest request = (DeregisterStreamConsumerRequest) kinesis.deregisters.requests.get(0);
        assertThat(request.streamARN()).isEqualTo(STREAM_ARN);
        assertThat(request.consumerName()).isEqualTo("app");
    }

    @Test
    void deregisteringReportsOtherFailures() {
        kinesis.deregisters.fail(accessDenied("not authorized to perform kinesis:DeregisterStreamConsumer"));

        assertThatThrownBy(() -> ConsumerRegistration.deregister(kinesis, STREAM_ARN, "app"))
                .isInstanceOf(KclException.class)
                .hasMessageContaining("cannot deregister stream consumer app")
                .hasMessageContaining("AccessDeniedException");
    }
}
