package dev.kcl;

/**
 * A dependency (DynamoDB, Kinesis) was throttled or briefly unavailable and kcl's own retries ran out. Trying again
 * later may succeed; nothing was lost.
 */
public class RetryableKclException extends KclException {
    private static final long serialVersionUID = 1L;

    public RetryableKclException(String message, Throwable cause) {
        super(message, cause);
    }
}
