package dev.kcl;

import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * What happens when {@link RecordProcessor#processRecords} (or {@code initialize}) throws. The same batch is
 * delivered again after a backoff; once the attempts run out, the shard either stops (the lease is kept, so no other
 * worker retries the poison batch; operators see it in the log and metrics) or, only if you opt in, the batch is
 * skipped. Every failure is logged with the shard and the batch's sequence range.
 */
public final class ProcessorFailurePolicy {
    /** What to do once the attempts run out. */
    public enum Exhausted {
        /** Never: retry for ever (the default). */
        NEVER,
        /** Stop delivering the shard's records; the worker keeps the lease until it shuts down or hands it off. */
        STOP_SHARD,
        /** Skip the batch and go on (explicit opt-in: the records are not processed). */
        SKIP_BATCH
    }

    private static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30),
            Integer.MAX_VALUE);

    private final Backoff backoff;
    private final int maxAttempts;
    private final Exhausted exhausted;

    private ProcessorFailurePolicy(Backoff backoff, int maxAttempts, Exhausted exhausted) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.exhausted = Objects.requireNonNull(exhausted, "exhausted");
    }

    /** Retry the same batch for ever, backing off from 100 ms to 30 s. The default. */
    public static ProcessorFailurePolicy retryForever() {
        return new ProcessorFailurePolicy(DEFAULT_BACKOFF, Integer.MAX_VALUE, Exhausted.NEVER);
    }

    /** Retry for ever with this backoff's delays. */
    public static ProcessorFailurePolicy retryForever(Backoff backoff) {
        return new ProcessorFailurePolicy(backoff, Integer.MAX_VALUE, Exhausted.NEVER);
    }

    /** Retry; after {@code attempts} failed attempts stop the shard. */
    public static ProcessorFailurePolicy stopShardAfter(int attempts) {
        return new ProcessorFailurePolicy(DEFAULT_BACKOFF, attempts, Exhausted.STOP_SHARD);
    }

    /** Retry; after {@code attempts} failed attempts skip the batch. Records are lost to your processor: opt in knowingly. */
    public static ProcessorFailurePolicy skipBatchAfter(int attempts) {
        return new ProcessorFailurePolicy(DEFAULT_BACKOFF, attempts, Exhausted.SKIP_BATCH);
    }

    /** This policy with another backoff between attempts. */
    public ProcessorFailurePolicy withBackoff(Backoff backoff) {
        return new ProcessorFailurePolicy(backoff, maxAttempts, exhausted);
    }

    public Backoff backoff() {
        return backoff;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Exhausted exhausted() {
        return exhausted;
    }

    /** True when {@code failedAttempts} failures use up the attempts. */
    public boolean isExhausted(int failedAttempts) {
        return exhausted != Exhausted.NEVER && failedAttempts >= maxAttempts;
    }

    @Override
    public String toString() {
        return exhausted == Exhausted.NEVER ? "retry for ever" : exhausted + " after " + maxAttempts + " attempts";
    }
}
