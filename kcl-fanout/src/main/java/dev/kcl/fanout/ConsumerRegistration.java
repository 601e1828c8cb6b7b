package dev.kcl.fanout;

import dev.kcl.KclException;
import dev.kcl.RetryableKclException;
import dev.kcl.aws.AwsErrors;
import dev.kcl.time.Sleeper;
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
 * Registers a stream consumer, or finds the one already registered, and waits until it is ACTIVE. Safe for many
 * workers starting at once: a registration that loses the race (ResourceInUse) just waits for the winner's.
 */
final class ConsumerRegistration {
    private static final Logger log = LoggerFactory.getLogger(ConsumerRegistration.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private ConsumerRegistration() {}

    /** The ARN of the ACTIVE consumer {@code name} on the stream. */
    static String ensureActive(
            KinesisAsyncClient kinesis,
            String streamArn,
            String name,
            Duration timeout,
            Ticker ticker,
            Sleeper sleeper) {
        long deadline = ticker.nanos() + timeout.toNanos();
        Duration pause = Duration.ofMillis(100);
        boolean registered = false;
        while (true) {
            try {
                ConsumerDescription consumer = call(kinesis.describeStreamConsumer(
                                b -> b.streamARN(streamArn).consumerName(name)))
                        .consumerDescription();
                if (consumer.consumerStatus() == ConsumerStatus.ACTIVE) {
                    log.info("stream consumer {} is ACTIVE: {}", name, consumer.consumerARN());
                    return consumer.consumerARN();
                }
            } catch (ResourceNotFoundException e) {
                if (!registered) {
                    registered = register(kinesis, streamArn, name);
                }
            } catch (RetryableKclException e) {
                log.info("stream consumer {}: {}; trying again", name, e.getMessage());
            } catch (KclException e) {
                throw e;
            } catch (RuntimeException e) {
                AwsErrors.Kind kind = AwsErrors.classify(e);
                if (kind == AwsErrors.Kind.FATAL) {
                    throw new KclException(
                            "cannot register stream consumer " + name + " (the worker needs "
                                    + "kinesis:DescribeStreamConsumer and kinesis:RegisterStreamConsumer): "
                                    + AwsErrors.describe(e),
                            e);
                }
                log.info("stream consumer {}: {}; trying again", name, AwsErrors.describe(e));
            }
            if (ticker.nanos() - deadline > 0) {
                throw new KclException("stream consumer " + name + " did not become ACTIVE within " + timeout);
            }
            sleeper.sleep(pause);
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                    ? Duration.ofSeconds(2)
                    : pause.multipliedBy(2);
        }
    }

    private static boolean register(KinesisAsyncClient kinesis, String streamArn, String name) {
        try {
            call(kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)));
            log.info("registered stream consumer {} on {}", name, streamArn);
            return true;
        } catch (ResourceInUseException e) {
            return true; // another worker registered it a moment ago
        } catch (LimitExceededException e) {
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("consumer")) {
                throw new KclException(
                        "stream " + streamArn + " already has as many registered consumers as it may "
                                + "(20 per stream): deregister one (FanOut.deregister) or use Retrieval.polling()",
                        e);
            }
            return false; // the control plane's rate limit: try again after the pause
        }
    }

    /** Deregisters the consumer; a missing one is not an error. */
    static void deregister(KinesisAsyncClient kinesis, String streamArn, String name) {
        try {
            call(kinesis.deregisterStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)));
            log.info("deregistered stream consumer {} from {}", name, streamArn);
        } catch (ResourceNotFoundException e) {
            log.info("stream consumer {} was not registered on {}", name, streamArn);
        }
    }

    private static <T> T call(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KclException("interrupted while registering the stream consumer", e);
        } catch (TimeoutException e) {
            throw new RetryableKclException("a stream consumer call timed out after " + CALL_TIMEOUT, e);
        } catch (ExecutionException e) {
            Throwable cause = AwsErrors.unwrap(e);
            if (cause instanceof RuntimeException runtime
                    && !(cause instanceof software.amazon.awssdk.core.exception.SdkClientException)) {
                throw runtime;
            }
            throw new RetryableKclException("a stream consumer call failed: " + AwsErrors.describe(e), cause);
        }
    }
}
