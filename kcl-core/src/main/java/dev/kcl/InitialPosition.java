package dev.kcl;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a new application starts reading: the oldest records the stream holds, new records only, or records from a
 * point in time. It applies only to shards that have no checkpoint yet.
 */
public final class InitialPosition {
    private enum Kind {
        TRIM_HORIZON,
        LATEST,
        AT_TIMESTAMP
    }

    private final Kind kind;
    private final Instant timestamp;

    private InitialPosition(Kind kind, Instant timestamp) {
        this.kind = kind;
        this.timestamp = timestamp;
    }

    /** The oldest records the stream still holds. */
    public static InitialPosition trimHorizon() {
        return new InitialPosition(Kind.TRIM_HORIZON, null);
    }

    /** Only records written after the application starts. */
    public static InitialPosition latest() {
        return new InitialPosition(Kind.LATEST, null);
    }

    /** Records that arrived at or after {@code timestamp}. */
    public static InitialPosition atTimestamp(Instant timestamp) {
        return new InitialPosition(Kind.AT_TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /** The stored form KCL uses: {@code TRIM_HORIZON}, {@code LATEST} or {@code AT_TIMESTAMP}. */
    public String sentinel() {
        return kind.name();
    }

    /** The timestamp of {@link #atTimestamp}. */
    public Optional<Instant> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InitialPosition other && kind == other.kind && Objects.equals(timestamp, other.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, timestamp);
    }

    @Override
    public String toString() {
        return kind == Kind.AT_TIMESTAMP ? "AT_TIMESTAMP(" + timestamp + ")" : kind.name();
    }
}
