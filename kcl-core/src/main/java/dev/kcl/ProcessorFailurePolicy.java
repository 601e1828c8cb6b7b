package dev.kcl;

import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens when {@link RecordProcessor#processRecords} (or {@code initialize}) throws. Records are never skipped
 * silently: by default the same batch is delivered again after a backoff, for as long as it fails.
 *
 * <p>Build a policy with {@link #builder()}:
 *
 * <ul>
 *   <li>{@code maxAttempts}: give up on a batch after this many failed deliveries;
 *   <li>{@code maxRecordAge}: give up at once on records older than this (by their arrival time) when they fail;
 *   <li>{@code bisectOnFailure}: split a failing batch in halves and deliver each on its own, until the poison record
 *       is alone;
 *   <li>then, when giving up: send the records to a {@link DeadLetterDestination} and go on (kcl checkpoints past
 *       them once they are sent), stop the shard (the lease is kept, so no other worker retries the poison batch), or,
 *       only if you opt in, skip them.
 * </ul>
 *
 * With lanes ({@code parallelism} above 1) the policy applies to each lane's records on their own: a failing lane is
 * retried, bisected and given up on without holding the other lanes' records.
 *
 * <p>A processor can also report a partial failure with {@link RecordFailedException}. Every failure is logged with the
 * shard and the sequence range, and counted ({@code ProcessorFailures}).
 */
public final class ProcessorFailurePolicy {
    /** What to do once kcl gives up on records. */
    public enum Exhausted {
        /** Never give up: retry for ever (the default). */
        NEVER,
        /** Stop delivering the shard's records; the worker keeps the lease until it shuts down or hands it off. */
        STOP_SHARD,
        /** Send the records to the dead-letter destination, then go on. */
        DEAD_LETTER,
        /** Skip the records and go on (explicit opt-in: they are not processed). */
        SKIP_BATCH
    }

    private static final Backoff DEFAULT_BACKOFF =
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Integer.MAX_VALUE);

    private final Backoff backoff;
    private final int maxAttempts;
    private final Optional<Duration> maxRecordAge;
    private final boolean bisectOnFailure;
    private final Exhausted exhausted;
    private final Optional<DeadLetterDestination> deadLetters;

    private ProcessorFailurePolicy(Builder b) {
        this.backoff = Objects.requireNonNull(b.backoff, "backoff");
        if (b.maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + b.maxAttempts);
        }
        this.maxAttempts = b.maxAttempts;
        this.maxRecordAge = Optional.ofNullable(b.maxRecordAge);
        if (b.maxRecordAge != null && (b.maxRecordAge.isNegative() || b.maxRecordAge.isZero())) {
            throw new IllegalArgumentException("maxRecordAge must be positive, was " + b.maxRecordAge);
        }
        this.bisectOnFailure = b.bisectOnFailure;
        this.exhausted = b.exhausted;
        this.deadLetters = Optional.ofNullable(b.deadLetters);
        if (exhausted == Exhausted.NEVER && (b.maxAttempts != Integer.MAX_VALUE || b.maxRecordAge != null)) {
            throw new IllegalArgumentException("maxAttempts and maxRecordAge need what to do when they run out: "
                    + "thenDeadLetter(...), thenStopShard() or thenSkip()");
        }
    }

    /** A builder starting from the default: retry for ever with backoff. */
    public static Builder builder() {
        return new Builder();
    }

    /** Retry the same batch for ever, backing off from 100 ms to 30 s. The default. */
    public static ProcessorFailurePolicy retryForever() {
        return builder().build();
    }

    /** Retry for ever with this backoff's delays. */
    public static ProcessorFailurePolicy retryForever(Backoff backoff) {
        return builder().backoff(backoff).build();
    }

    /** Retry; after {@code attempts} failed attempts stop the shard. */
    public static ProcessorFailurePolicy stopShardAfter(int attempts) {
        return builder().maxAttempts(attempts).thenStopShard().build();
    }

    /** Retry; after {@code attempts} failed attempts skip the batch. Records are lost to your processor: opt in knowingly. */
    public static ProcessorFailurePolicy skipBatchAfter(int attempts) {
        return builder().maxAttempts(attempts).thenSkip().build();
    }

    /** Bisect failing batches; a record that still fails {@code attempts} times goes to {@code destination}. */
    public static ProcessorFailurePolicy deadLetterAfter(int attempts, DeadLetterDestination destination) {
        return builder()
                .maxAttempts(attempts)
                .bisectOnFailure(true)
                .thenDeadLetter(destination)
                .build();
    }

    /** This policy with another backoff between attempts. */
    public ProcessorFailurePolicy withBackoff(Backoff backoff) {
        Builder b = new Builder();
        b.backoff = backoff;
        b.maxAttempts = maxAttempts;
        b.maxRecordAge = maxRecordAge.orElse(null);
        b.bisectOnFailure = bisectOnFailure;
        b.exhausted = exhausted;
        b.deadLetters = deadLetters.orElse(null);
        return new ProcessorFailurePolicy(b);
    }

    /** The wait between attempts. */
    public Backoff backoff() {
        return backoff;
    }

    /** Deliveries of the same records before giving up ({@code Integer.MAX_VALUE}: never). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Failing records that arrived longer ago than this are given up on at once. */
    public Optional<Duration> maxRecordAge() {
        return maxRecordAge;
    }

    /** Whether a failing batch is split in halves to isolate the records that fail. */
    public boolean bisectOnFailure() {
        return bisectOnFailure;
    }

    /** What happens to records kcl gives up on. */
    public Exhausted exhausted() {
        return exhausted;
    }

    /** Where given-up records go, with {@link Exhausted#DEAD_LETTER}. */
    public Optional<DeadLetterDestination> deadLetters() {
        return deadLetters;
    }

    /** True when {@code failedAttempts} failures use up the attempts. */
    public boolean isExhausted(int failedAttempts) {
        return exhausted != Exhausted.NEVER && failedAttempts >= maxAttempts;
    }

    @Override
    public String toString() {
        return exhausted == Exhausted.NEVER
                ? "retry for ever"
                : exhausted + " after " + maxAttempts + " attempts"
                        + maxRecordAge
                                .map(age -> " or records older than " + age)
                                .orElse("")
                        + (bisectOnFailure ? ", bisecting" : "");
    }

    /** Builds a {@link ProcessorFailurePolicy}. */
    public static final class Builder {
        private Backoff backoff = DEFAULT_BACKOFF;
        private int maxAttempts = Integer.MAX_VALUE;
        private Duration maxRecordAge;
        private boolean bisectOnFailure;
        private Exhausted exhausted = Exhausted.NEVER;
        private DeadLetterDestination deadLetters;

        private Builder() {}

        /** Delay between attempts. Default 100 ms doubling to 30 s, with jitter. */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** Give up on records after this many failed deliveries. Default: never. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Give up at once on failing records older than this. Default: no limit. */
        public Builder maxRecordAge(Duration maxRecordAge) {
            this.maxRecordAge = maxRecordAge;
            return this;
        }

        /** Split failing batches in halves to isolate the records that fail. Default false. */
        public Builder bisectOnFailure(boolean bisect) {
            this.bisectOnFailure = bisect;
            return this;
        }

        /** When giving up, send the records to {@code destination}, checkpoint past them, and go on. */
        public Builder thenDeadLetter(DeadLetterDestination destination) {
            this.exhausted = Exhausted.DEAD_LETTER;
            this.deadLetters = Objects.requireNonNull(destination, "destination");
            return this;
        }

        /** When giving up, stop the shard (its lease is kept). */
        public Builder thenStopShard() {
            this.exhausted = Exhausted.STOP_SHARD;
            return this;
        }

        /** When giving up, skip the records (they are not processed). */
        public Builder thenSkip() {
            this.exhausted = Exhausted.SKIP_BATCH;
            return this;
        }

        /** The policy; fails naming the setting that is wrong (a dead-letter ending needs a destination). */
        public ProcessorFailurePolicy build() {
            return new ProcessorFailurePolicy(this);
        }
    }
}
