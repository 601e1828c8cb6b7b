package dev.kcl;

/**
 * Base of every exception kcl throws to user code. All are unchecked; methods list the ones they throw with
 * {@code @throws}.
 */
public class KclException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KclException(String message) {
        super(message);
    }

    public KclException(String message, Throwable cause) {
        super(message, cause);
    }
}
