package dev.kcl.checkpoint;

import java.math.BigInteger;
import java.util.Objects;

/** A Kinesis sequence number: a decimal string of up to 128 digits, compared numerically. */
public record SequenceNumber(BigInteger value) implements Comparable<SequenceNumber> {
    public SequenceNumber {
        Objects.requireNonNull(value, "value");
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative sequence number: " + value);
        }
    }

    /**
     * Parses a sequence number.
     *
     * @throws IllegalArgumentException if {@code s} is not a non-negative decimal number
     */
    public static SequenceNumber parse(String s) {
        Objects.requireNonNull(s, "sequenceNumber");
        if (s.isEmpty() || s.length() > 128 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a Kinesis sequence number: '" + s + "'");
        }
        return new SequenceNumber(new BigInteger(s));
    }

    /** True when {@code s} parses as a sequence number (and is not one of KCL's sentinels). */
    public static boolean isSequenceNumber(String s) {
        return s != null && !s.isEmpty() && s.length() <= 128 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    @Override
    public int compareTo(SequenceNumber other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
