package dev.kcl.leases.dynamodb;

import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT_SUB_SEQUENCE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHILD_SHARD_IDS;
import static dev.kcl.leases.dynamodb.LeaseAttributes.ENDING_HASH_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.HANDOFF_TO;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_COUNTER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_OWNER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.OWNER_SWITCHES;
import static dev.kcl.leases.dynamodb.LeaseAttributes.PARENT_SHARD_IDS;
import static dev.kcl.leases.dynamodb.LeaseAttributes.PENDING_CHECKPOINT;
import static dev.kcl.leases.dynamodb.LeaseAttributes.PENDING_CHECKPOINT_SUB_SEQUENCE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.STARTING_HASH_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.THROUGHPUT_KBPS;

import dev.kcl.leases.HashKeyRange;
import dev.kcl.leases.Lease;
import dev.kcl.leases.StoredCheckpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts leases to and from lease-table items, in KCL's attribute names and types. */
final class LeaseItemCodec {
    private LeaseItemCodec() {}

    /** The full item for a new lease. Empty and absent values are left out, as DynamoDB has no empty sets. */
    static Map<String, AttributeValue> toItem(Lease lease) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LEASE_KEY, s(lease.leaseKey()));
        item.put(LeaseAttributes.ENTITY_TYPE, s(LeaseAttributes.ENTITY_LEASE));
        lease.owner().ifPresent(owner -> item.put(LEASE_OWNER, s(owner)));
        item.put(LEASE_COUNTER, n(lease.counter()));
        lease.checkpoint().ifPresent(c -> {
            item.put(CHECKPOINT, s(c.sequenceNumber()));
            item.put(CHECKPOINT_SUB_SEQUENCE, n(c.subSequenceNumber()));
            c.timestamp().ifPresent(t -> item.put(LeaseAttributes.CHECKPOINT_TIMESTAMP, n(t.toEpochMilli())));
        });
        lease.pendingCheckpoint().ifPresent(c -> {
            item.put(PENDING_CHECKPOINT, s(c.sequenceNumber()));
            item.put(PENDING_CHECKPOINT_SUB_SEQUENCE, n(c.subSequenceNumber()));
        });
        item.put(OWNER_SWITCHES, n(lease.ownerSwitchesSinceCheckpoint()));
        if (!lease.parentShardIds().isEmpty()) {
            item.put(PARENT_SHARD_IDS, ss(lease.parentShardIds()));
        }
        if (!lease.childShardIds().isEmpty()) {
            item.put(CHILD_SHARD_IDS, ss(lease.childShardIds()));
        }
        lease.hashKeyRange().ifPresent(range -> {
            item.put(STARTING_HASH_KEY, s(range.startingHashKey().toString()));
            item.put(ENDING_HASH_KEY, s(range.endingHashKey().toString()));
        });
        lease.handoffTo().ifPresent(target -> item.put(HANDOFF_TO, s(target)));
        lease.throughputKBps().ifPresent(kbps -> item.put(THROUGHPUT_KBPS, n(kbps)));
        return item;
    }

    /** Reads a lease item written by kcl or by KCL 2.x/3.x; attributes this library does not know are ignored. */
    static Lease fromItem(Map<String, AttributeValue> item) {
        String key = string(item, LEASE_KEY).orElseThrow(() -> new IllegalArgumentException("item without leaseKey"));
        Optional<String> owner = string(item, LEASE_OWNER);
        return Lease.builder(key)
                .owner(owner)
                .counter(longValue(item, LEASE_COUNTER))
                .checkpoint(
                        checkpoint(item, CHECKPOINT, CHECKPOINT_SUB_SEQUENCE).map(c -> withTimestamp(c, item)))
                .pendingCheckpoint(checkpoint(item, PENDING_CHECKPOINT, PENDING_CHECKPOINT_SUB_SEQUENCE))
                .ownerSwitchesSinceCheckpoint(longValue(item, OWNER_SWITCHES))
                .parentShardIds(stringSet(item, PARENT_SHARD_IDS))
                .childShardIds(stringSet(item, CHILD_SHARD_IDS))
                .hashKeyRange(string(item, STARTING_HASH_KEY)
                        .flatMap(start -> string(item, ENDING_HASH_KEY).map(end -> HashKeyRange.of(start, end))))
                .handoffTo(owner.isPresent() ? string(item, HANDOFF_TO) : Optional.empty())
                .throughputKBps(number(item, THROUGHPUT_KBPS))
                .build();
    }

    /** An AT_TIMESTAMP checkpoint with kcl's stored time, if there is one. */
    private static StoredCheckpoint withTimestamp(StoredCheckpoint checkpoint, Map<String, AttributeValue> item) {
        AttributeValue millis = item.get(LeaseAttributes.CHECKPOINT_TIMESTAMP);
        if (!StoredCheckpoint.AT_TIMESTAMP.equals(checkpoint.sequenceNumber())
                || millis == null
                || millis.n() == null) {
            return checkpoint;
        }
        return StoredCheckpoint.atTimestamp(java.time.Instant.ofEpochMilli(Long.parseLong(millis.n())));
    }

    private static Optional<StoredCheckpoint> checkpoint(
            Map<String, AttributeValue> item, String sequence, String subSequence) {
        return string(item, sequence).map(value -> new StoredCheckpoint(value, longValue(item, subSequence)));
    }

    static Optional<String> string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    static Optional<Double> number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? Optional.empty() : Optional.of(Double.parseDouble(value.n()));
    }

    /** An integer attribute, 0 when absent. */
    static long longValue(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.n() == null) {
            return 0L;
        }
        String n = value.n();
        return n.indexOf('.') < 0 && n.indexOf('E') < 0 && n.indexOf('e') < 0
                ? Long.parseLong(n)
                : new java.math.BigDecimal(n).longValue();
    }

    static Set<String> stringSet(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return Set.of();
        }
        if (value.hasSs()) {
            return Set.copyOf(value.ss());
        }
        // Some writers store a single parent as a plain string.
        return value.s() != null ? Set.of(value.s()) : Set.of();
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue n(double value) {
        return AttributeValue.fromN(Double.toString(value));
    }

    static AttributeValue ss(Set<String> values) {
        return AttributeValue.fromSs(List.copyOf(values));
    }
}
