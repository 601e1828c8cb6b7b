package dev.kcl.aws;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** Classifies Kinesis SDK failures in one place, for every adapter. */
public final class AwsErrors {
    /** What a failed Kinesis call means for the caller. */
    public enum Kind {
        /** Throttled: back off and retry. */
        THROTTLED,
        /** The shard iterator expired: get a new one from the last position. */
        EXPIRED_ITERATOR,
        /** The stream, shard or consumer does not exist. */
        NOT_FOUND,
        /** Access denied or another client error a retry will not fix. */
        FATAL,
        /** Server errors, timeouts, resets, resources busy: retry with backoff. */
        TRANSIENT
    }

    private AwsErrors() {}

    /** Strips the future wrappers the SDK adds. */
    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static Kind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ProvisionedThroughputExceededException
                || t instanceof LimitExceededException
                || t instanceof KmsThrottlingException) {
            return Kind.THROTTLED;
        }
        if (t instanceof ExpiredIteratorException) {
            return Kind.EXPIRED_ITERATOR;
        }
        if (t instanceof ResourceNotFoundException) {
            return Kind.NOT_FOUND;
        }
        if (t instanceof ResourceInUseException) {
            return Kind.TRANSIENT;
        }
        if (t instanceof AwsServiceException service) {
            if (service.isThrottlingException()) {
                return Kind.THROTTLED;
            }
            if (service.statusCode() >= 500) {
                return Kind.TRANSIENT;
            }
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            if (service.statusCode() == 403 || "AccessDeniedException".equals(code)) {
                return Kind.FATAL;
            }
            return "ExpiredIteratorException".equals(code) ? Kind.EXPIRED_ITERATOR : Kind.FATAL;
        }
        if (t instanceof SdkClientException) {
            return Kind.TRANSIENT;
        }
        return Kind.TRANSIENT;
    }

    /** A one-line description for logs: the exception's class and message. */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
