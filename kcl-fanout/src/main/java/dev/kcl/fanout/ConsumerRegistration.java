package dev.kcl.fanout;

import dev.kcl.KclException;
import dev.kcl.RetryableKclException;
import dev.kcl.aws.AwsErrors;
import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Registers a stream consumer, or finds the one already registered, and waits until it is ACTIVE. Used when a worker
 * starts, and again by a source whose subscription says the consumer is gone (deregistered while workers ran).
 *
 * <h2>Design notes</h2>
 *
 * DescribeStreamConsumer decides each round; RegisterStreamConsumer is only the means to get there:
 *
 * <ul>
 *   <li>ACTIVE: done. CREATING or DELETING: wait and describe again (a deleted consumer is then registered anew).
 *   <li>ResourceNotFound: register, then describe again after a pause. Registration is tried again every round while
 *       the consumer is not found, because RegisterStreamConsumer answers ResourceInUse in two cases: another worker
 *       registered the consumer a moment ago (the next describe finds it), or the stream is not ACTIVE, such as
 *       UPDATING during a reshard (nothing was registered, so the next round must try again).
 *   <li>LimitExceeded is either the control plane's rate limit or the stream's limit of {@value #CONSUMERS_PER_STREAM}
 *       consumers. The message text is not a contract, so ListStreamConsumers decides: at the limit, registration
 *       fails with an error naming the stream, the consumer and the limit; below it, the next round tries again.
 *   <li>Access denied and other errors a retry cannot fix fail at once; throttling, timeouts and server errors are
 *       retried until {@code timeout}.
 * </ul>
 *
 * <p>Nothing blocks: calls are asynchronous and pauses go through the scheduler, so a source can re-register from a
 * callback. Thread-safe; while a registration runs, every caller of {@link #ensureActive()} shares it, so many shards
 * that lose their consumer at once cause one registration.
 */
final class ConsumerRegistration {
    /** Consumers one stream may have registered at a time (Kinesis quota). */
    static final int CONSUMERS_PER_STREAM = 20;

    private static final Logger log = LoggerFactory.getLogger(ConsumerRegistration.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    private final KinesisAsyncClient kinesis;
    private final String streamArn;
    private final String name;
    private final Duration timeout;
    private final TaskScheduler timer;
    private final Ticker ticker;

    // guarded by this
    private CompletableFuture<String> running;

    /**
     * @param timeout how long one registration may take before it fails
     * @param timer for the pauses between rounds; tasks on it only start calls
     */
    ConsumerRegistration(
            KinesisAsyncClient kinesis,
            String streamArn,
            String name,
            Duration timeout,
            TaskScheduler timer,
            Ticker ticker) {
        this.kinesis = kinesis;
        this.streamArn = streamArn;
        this.name = name;
        this.timeout = timeout;
        this.timer = timer;
        this.ticker = ticker;
    }

    String consumerName() {
        return name;
    }

    /**
     * Completes with the ARN of the ACTIVE consumer, registering it if needed; fails with a {@link KclException} if it
     * cannot be registered (the stream's consumer limit, missing permissions, a missing stream) or is not ACTIVE within
     * the timeout. Joins the registration already running, if any.
     */
    CompletableFuture<String> ensureActive() {
        CompletableFuture<String> result;
        boolean start = false;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = new CompletableFuture<>();
                start = true;
            }
            result = running;
        }
        if (start) {
            new Round(result).describe();
        }
        return result.copy();
    }

    /**
     * Blocks until {@link #ensureActive()} completes, for the worker's start.
     *
     * @throws KclException if the consumer cannot be registered or made ACTIVE
     */
    String awaitActive() {
        CompletableFuture<String> active = ensureActive();
        try {
            // The registration ends itself at its timeout; the margin covers a last call in flight.
            return active.get(timeout.plus(CALL_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KclException("interrupted while registering stream consumer " + name, e);
        } catch (TimeoutException e) {
            throw new KclException("stream consumer " + name + " did not become ACTIVE within " + timeout, e);
        } catch (ExecutionException e) {
            Throwable cause = AwsErrors.unwrap(e);
            if (cause instanceof KclException kcl) {
                throw kcl;
            }
            throw new KclException("cannot register stream consumer " + name + ": " + AwsErrors.describe(cause), cause);
        }
    }

    /** One registration: rounds of describe (and register while not found) until ACTIVE, an error or the deadline. */
    private final class Round {
        private final CompletableFuture<String> result;
        private final long deadline = ticker.nanos() + timeout.toNanos();
        private Duration pause = FIRST_PAUSE;

        Round(CompletableFuture<String> result) {
            this.result = result;
        }

        void describe() {
            call(() -> kinesis.describeStreamConsumer(
                            b -> b.streamARN(streamArn).consumerName(name)))
                    .whenComplete((response, error) -> {
                        if (error == null) {
                            ConsumerDescription consumer = response.consumerDescription();
                            if (consumer.consumerStatus() == ConsumerStatus.ACTIVE) {
                                log.info("stream consumer {} is ACTIVE: {}", name, consumer.consumerARN());
                                result.complete(consumer.consumerARN());
                            } else {
                                log.debug("stream consumer {} is {}", name, consumer.consumerStatusAsString());
                                again();
                            }
                        } else if (AwsErrors.unwrap(error) instanceof ResourceNotFoundException) {
                            register();
                        } else {
                            retryOrFail(error);
                        }
                    });
        }

        private void register() {
            call(() -> kinesis.registerStreamConsumer(
                            b -> b.streamARN(streamArn).consumerName(name)))
                    .whenComplete((response, error) -> {
                        Throwable cause = error == null ? null : AwsErrors.unwrap(error);
                        if (cause == null) {
                            log.info("registered stream consumer {} on {}", name, streamArn);
                            again();
                        } else if (cause instanceof ResourceInUseException) {
                            // Registered by another worker a moment ago, or the stream is not ACTIVE (UPDATING during
                            // a reshard) and nothing was registered: the next describe tells which.
                            log.info(
                                    "stream consumer {}: registration answered ResourceInUse ({}); checking again",
                                    name,
                                    cause.getMessage());
                            again();
                        } else if (cause instanceof LimitExceededException) {
                            checkConsumerLimit(cause);
                        } else if (cause instanceof ResourceNotFoundException) {
                            fail(new KclException(
                                    "cannot register stream consumer " + name + ": stream " + streamArn
                                            + " does not exist",
                                    cause));
                        } else {
                            retryOrFail(cause);
                        }
                    });
        }

        /** LimitExceeded: the stream's consumer limit if ListStreamConsumers says it is full, else the rate limit. */
        private void checkConsumerLimit(Throwable limit) {
            countConsumers(null, 0).whenComplete((count, error) -> {
                if (error == null && count >= CONSUMERS_PER_STREAM) {
                    fail(new KclException(
                            "cannot register stream consumer " + name + ": stream " + streamArn + " already has "
                                    + count + " registered consumers, the most a stream may have ("
                                    + CONSUMERS_PER_STREAM + "); deregister one (FanOut.deregister) or use "
                                    + "Retrieval.polling()",
                            limit));
                } else {
                    log.info(
                            "stream consumer {}: {} (rate limit of control-plane calls); trying again",
                            name,
                            AwsErrors.describe(limit));
                    again();
                }
            });
        }

        private CompletableFuture<Integer> countConsumers(String token, int counted) {
            return call(() -> kinesis.listStreamConsumers(
                            b -> b.streamARN(streamArn).nextToken(token)))
                    .thenCompose(page -> {
                        int total = counted + page.consumers().size();
                        return page.nextToken() == null
                                ? CompletableFuture.completedFuture(total)
                                : countConsumers(page.nextToken(), total);
                    });
        }

        private void retryOrFail(Throwable error) {
            if (AwsErrors.classify(error) == AwsErrors.Kind.FATAL) {
                fail(new KclException(
                        "cannot register stream consumer " + name + " on " + streamArn + " (the worker needs "
                                + "kinesis:DescribeStreamConsumer, kinesis:RegisterStreamConsumer and "
                                + "kinesis:ListStreamConsumers): " + AwsErrors.describe(error),
                        AwsErrors.unwrap(error)));
            } else {
                log.info("stream consumer {}: {}; trying again", name, AwsErrors.describe(error));
                again();
            }
        }

        private void again() {
            if (ticker.nanos() - deadline > 0) {
                fail(new KclException(
                        "stream consumer " + name + " on " + streamArn + " did not become ACTIVE within " + timeout));
                return;
            }
            Duration wait = pause;
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            timer.schedule(this::describe, wait);
        }

        private void fail(KclException error) {
            result.completeExceptionally(error);
        }
    }

    /** Starts a call, turning a synchronous failure into a failed future and bounding how long it may take. */
    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> start) {
        try {
            return start.get().orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Deregisters the consumer. A consumer that is not registered is not an error: the call does nothing.
     *
     * @throws KclException if the call fails (missing permission, the stream does not exist, a timeout)
     */
    static void deregister(KinesisAsyncClient kinesis, String streamArn, String name) {
        try {
            kinesis.deregisterStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("deregistered stream consumer {} from {}", name, streamArn);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KclException("interrupted while deregistering stream consumer " + name, e);
        } catch (TimeoutException e) {
            throw new RetryableKclException(
                    "deregistering stream consumer " + name + " timed out after " + CALL_TIMEOUT, e);
        } catch (ExecutionException e) {
            Throwable cause = AwsErrors.unwrap(e);
            if (cause instanceof ResourceNotFoundException) {
                log.info("stream consumer {} was not registered on {}: nothing to deregister", name, streamArn);
                return;
            }
            throw new KclException(
                    "cannot deregister stream consumer " + name + " from " + streamArn + ": "
                            + AwsErrors.describe(cause),
                    cause);
        }
    }
}
