package dev.kcl.leases;

/**
 * The outcome of a conditional lease write. Losing the condition is an expected outcome in a fleet of workers, so
 * it is a value, not an exception; transport failures are {@link LeaseTableException}s.
 */
public sealed interface LeaseWrite {
    /** The write applied; {@code stored} is the lease as it now is. */
    record Applied(Lease stored) implements LeaseWrite {}

    /** The stored lease no longer matched the expected owner and counter (or no longer exists). */
    record Conflict(String leaseKey) implements LeaseWrite {}

    default boolean applied() {
        return this instanceof Applied;
    }
}
