package dev.kcl.leases;

import java.math.BigInteger;
import java.util.Objects;

/** The inclusive range of partition-key hashes a shard covers. */
public record HashKeyRange(BigInteger startingHashKey, BigInteger endingHashKey) {
    public HashKeyRange {
        Objects.requireNonNull(startingHashKey, "startingHashKey");
        Objects.requireNonNull(endingHashKey, "endingHashKey");
        if (startingHashKey.compareTo(endingHashKey) > 0) {
            throw new IllegalArgumentException(
                    "startingHashKey " + startingHashKey + " > endingHashKey " + endingHashKey);
        }
    }

    public static HashKeyRange of(String startingHashKey, String endingHashKey) {
        return new HashKeyRange(new BigInteger(startingHashKey), new BigInteger(endingHashKey));
    }
}
