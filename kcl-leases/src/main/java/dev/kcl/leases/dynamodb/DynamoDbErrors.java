package dev.kcl.leases.dynamodb;

import dev.kcl.leases.LeaseTableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Translates DynamoDB SDK failures into {@link LeaseTableException}s, in one place. */
final class DynamoDbErrors {
    private DynamoDbErrors() {}

    /** Unwraps the SDK's future wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A {@link LeaseTableException} for a failed call on {@code table}, saying whether a retry may help. */
    static LeaseTableException classify(String table, String operation, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LeaseTableException e) {
            return e;
        }
        String what = operation + " on lease table " + table;
        if (cause instanceof ResourceNotFoundException) {
            return new LeaseTableException(what + " failed: the table (or its index) does not exist", false, cause);
        }
        if (cause instanceof ProvisionedThroughputExceededException || cause instanceof RequestLimitExceededException) {
            return new LeaseTableException(what + " was throttled", true, cause);
        }
        if (cause instanceof TimeoutException) {
            return new LeaseTableException(what + " timed out", true, cause);
        }
        if (cause instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            if (service.isThrottlingException() || service.statusCode() >= 500) {
                return new LeaseTableException(
                        what + " failed (" + code + ", retryable): " + service.getMessage(), true, cause);
            }
            if (service.statusCode() == 403 || "AccessDeniedException".equals(code)) {
                return new LeaseTableException(
                        what + " was denied: the worker's credentials need dynamodb:" + operation + " on " + table
                                + ": " + service.getMessage(),
                        false,
                        cause);
            }
            return new LeaseTableException(what + " failed (" + code + "): " + service.getMessage(), false, cause);
        }
        if (cause instanceof SdkClientException) {
            return new LeaseTableException(what + " failed to reach DynamoDB: " + cause.getMessage(), true, cause);
        }
        return new LeaseTableException(what + " failed: " + cause, false, cause);
    }
}
