package dev.kcl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.leases.HashKeyRange;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;
import dev.kcl.time.Backoff;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.kinesis.common.HashKeyRangeForLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * kcl and AWS's KCL read each other's lease items: items written attribute by attribute as KCL 2.x and 3.x write
 * them, items produced by KCL's own serializer, and items kcl wrote, read back by KCL's serializer.
 */
@KclStack
class KclCompatibilityIT {
    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";
    private static final String NEXT = "49590338271490256608559692538361571095921575989136588999";
    private static final String MAX_HASH = "340282366920938463463374607431768211455";

    private final DynamoDbAsyncClient dynamo;
    private final DynamoDbLeaseTable table;
    private final String tableName;
    private final DynamoDBLeaseSerializer kclSerializer = new DynamoDBLeaseSerializer();

    KclCompatibilityIT(AwsStack stack, TestNames names) {
        dynamo = stack.dynamoDb();
        tableName = names.unique("app");
        table = DynamoDbLeaseTable.builder(dynamo, tableName).build();
        table.ensureExists();
    }

    private void putRaw(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(tableName).item(item)).join();
    }

    private Map<String, AttributeValue> getRaw(String key) {
        return dynamo.getItem(b ->
                        b.tableName(tableName).key(Map.of("leaseKey", s(key))).consistentRead(true))
                .join()
                .item();
    }

    @Test
    void readsALeaseItemAsKcl2WritesIt() {
        // Every attribute KCL 2.x writes, with a pending checkpoint and its opaque state
        putRaw(Map.ofEntries(
                Map.entry("leaseKey", s("shardId-000000000003")),
                Map.entry("leaseOwner", s("kcl2-worker")),
                Map.entry("leaseCounter", n("57")),
                Map.entry("checkpoint", s(SEQ)),
                Map.entry("checkpointSubSequenceNumber", n("2")),
                Map.entry("pendingCheckpoint", s(NEXT)),
                Map.entry("pendingCheckpointSubSequenceNumber", n("0")),
                Map.entry("pendingCheckpointState", AttributeValue.fromB(SdkBytes.fromUtf8String("app-state"))),
                Map.entry("ownerSwitchesSinceCheckpoint", n("3")),
                Map.entry("parentShardId", AttributeValue.fromSs(List.of("shardId-000000000001"))),
                Map.entry(
                        "childShardIds",
                        AttributeValue.fromSs(List.of("shardId-000000000007", "shardId-000000000008"))),
                Map.entry("startingHashKey", s("0")),
                Map.entry("endingHashKey", s(MAX_HASH))));

        Lease lease = table.get("shardId-000000000003").orElseThrow();

        assertThat(lease.owner()).contains("kcl2-worker");
        assertThat(lease.counter()).isEqualTo(57);
        assertThat(Checkpoint.fromStored(lease.checkpoint().orElseThrow(), Optional.empty()))
                .isEqualTo(Checkpoint.After.of(SEQ, 2));
        assertThat(lease.pendingCheckpoint()).contains(StoredCheckpoint.of(NEXT));
        assertThat(lease.ownerSwitchesSinceCheckpoint()).isEqualTo(3);
        assertThat(lease.parentShardIds()).containsExactly("shardId-000000000001");
        assertThat(lease.childShardIds()).containsExactlyInAnyOrder("shardId-000000000007", "shardId-000000000008");
        assertThat(lease.hashKeyRange()).contains(HashKeyRange.of("0", MAX_HASH));

        // and a kcl worker that takes it over checkpoints on top without disturbing KCL's other attributes
        Lease mine = ((LeaseWrite.Applied) table.assign(lease, "kcl-worker")).stored();
        ShardCheckpointer checkpointer = new ShardCheckpointer(
                mine.leaseKey(),
                mine.checkpoint().orElseThrow(),
                CheckpointStore.of(table, "kcl-worker"),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1),
                d -> {});
        checkpointer.delivered(NEXT, 0);
        checkpointer.checkpoint();
        var kclView = kclSerializer.fromDynamoRecord(getRaw("shardId-000000000003"));
        assertThat(kclView.checkpoint()).isEqualTo(new ExtendedSequenceNumber(NEXT, 0L));
        assertThat(kclView.leaseOwner()).isEqualTo("kcl-worker");
        assertThat(kclView.leaseCounter()).isEqualTo(58L);
        assertThat(kclView.pendingCheckpoint()).isNull();
        assertThat(kclView.parentShardIds()).containsExactly("shardId-000000000001");
        assertThat(getRaw("shardId-000000000003")).containsKey("pendingCheckpointState");
    }

    @Test
    void readsWhatKcl3sSerializerWrites() {
        var kclLease = new software.amazon.kinesis.leases.Lease();
        kclLease.leaseKey("shardId-000000000004");
        kclLease.leaseOwner("kcl3-worker");
        kclLease.leaseCounter(9L);
        kclLease.checkpoint(new ExtendedSequenceNumber(SEQ, 5L));
        kclLease.pendingCheckpoint(new ExtendedSequenceNumber(NEXT, 0L));
        kclLease.ownerSwitchesSinceCheckpoint(1L);
        kclLease.parentShardIds(List.of("shardId-000000000000"));
        kclLease.childShardIds(List.of("shardId-000000000010"));
        kclLease.hashKeyRange(new HashKeyRangeForLease(BigInteger.ZERO, new BigInteger(MAX_HASH)));
        kclLease.throughputKBps(42.5);
        // in the middle of KCL 3.x's graceful handoff: leaseOwner names the next owner, checkpointOwner the current
        kclLease.checkpointOwner("kcl3-previous-worker");
        kclLease.checkpointOwnerTimeoutTimestampMillis(1_795_000_000_000L);
        Map<String, AttributeValue> item = new HashMap<>(kclSerializer.toDynamoRecord(kclLease));
        assertThat(item).containsEntry("checkpointOwner", s("kcl3-previous-worker"));
        // KCL 3.5.1's serializer keeps the handoff timeout in memory only; store it too, as the attribute would be
        item.putIfAbsent("checkpointOwnerTimeoutTimestampMillis", n("1795000000000"));
        putRaw(item);

        Lease lease = table.get("shardId-000000000004").orElseThrow();

        assertThat(lease.owner()).contains("kcl3-worker");
        assertThat(lease.counter()).isEqualTo(9);
        assertThat(lease.checkpoint()).contains(new StoredCheckpoint(SEQ, 5));
        assertThat(lease.pendingCheckpoint()).contains(StoredCheckpoint.of(NEXT));
        assertThat(lease.ownerSwitchesSinceCheckpoint()).isEqualTo(1);
        assertThat(lease.parentShardIds()).containsExactly("shardId-000000000000");
        assertThat(lease.childShardIds()).containsExactly("shardId-000000000010");
        assertThat(lease.hashKeyRange()).contains(HashKeyRange.of("0", MAX_HASH));
        assertThat(lease.throughputKBps()).contains(42.5);

        // a kcl worker that takes it over ends KCL's handoff, so neither library is misled by the leftover
        Lease mine = ((LeaseWrite.Applied) table.assign(lease, "kcl-worker")).stored();
        assertThat(mine.ownerSwitchesSinceCheckpoint()).isEqualTo(2);
        assertThat(getRaw("shardId-000000000004"))
                .doesNotContainKeys("checkpointOwner", "checkpointOwnerTimeoutTimestampMillis");
        var kclView = kclSerializer.fromDynamoRecord(getRaw("shardId-000000000004"));
        assertThat(kclView.leaseOwner()).isEqualTo("kcl-worker");
        assertThat(kclView.checkpointOwner()).isNull();
        assertThat(kclView.ownerSwitchesSinceCheckpoint()).isEqualTo(2L);
    }

    @Test
    void readsKclsSentinels() {
        for (var sentinel : List.of(
                ExtendedSequenceNumber.TRIM_HORIZON,
                ExtendedSequenceNumber.LATEST,
                ExtendedSequenceNumber.AT_TIMESTAMP,
                ExtendedSequenceNumber.SHARD_END)) {
            var kclLease = new software.amazon.kinesis.leases.Lease();
            kclLease.leaseKey("shard-" + sentinel.sequenceNumber());
            kclLease.leaseCounter(0L);
            kclLease.checkpoint(sentinel);
            kclLease.ownerSwitchesSinceCheckpoint(0L);
            putRaw(kclSerializer.toDynamoRecord(kclLease));

            StoredCheckpoint stored = table.get("shard-" + sentinel.sequenceNumber())
                    .orElseThrow()
                    .checkpoint()
                    .orElseThrow();
            Checkpoint checkpoint = Checkpoint.fromStored(stored, Optional.of(java.time.Instant.EPOCH));
            assertThat(checkpoint.toStored().sequenceNumber()).isEqualTo(sentinel.sequenceNumber());
        }
    }

    @Test
    void kclReadsWhatKclWrites() {
        // A lease as kcl creates and works it: created, assigned, checkpointed inside an aggregated record, prepared
        Lease lease = Lease.builder("shardId-000000000005")
                .checkpoint(StoredCheckpoint.of("TRIM_HORIZON"))
                .parentShardIds(Set.of("shardId-000000000001", "shardId-000000000002"))
                .hashKeyRange(Optional.of(HashKeyRange.of("0", MAX_HASH)))
                .build();
        table.create(lease);
        var kclInitial = kclSerializer.fromDynamoRecord(getRaw("shardId-000000000005"));
        assertThat(kclInitial.checkpoint()).isEqualTo(ExtendedSequenceNumber.TRIM_HORIZON);
        assertThat(kclInitial.leaseOwner()).isNull();
        assertThat(kclInitial.parentShardIds())
                .containsExactlyInAnyOrder("shardId-000000000001", "shardId-000000000002");

        Lease mine = ((LeaseWrite.Applied) table.assign(lease, "kcl-worker")).stored();
        ShardCheckpointer checkpointer = new ShardCheckpointer(
                mine.leaseKey(),
                mine.checkpoint().orElseThrow(),
                CheckpointStore.of(table, "kcl-worker"),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1),
                d -> {});
        checkpointer.delivered(NEXT, 3);
        checkpointer.checkpoint(SEQ, 4);
        checkpointer.prepareCheckpoint(NEXT, 3);

        var kcl = kclSerializer.fromDynamoRecord(getRaw("shardId-000000000005"));
        assertThat(kcl.leaseOwner()).isEqualTo("kcl-worker");
        assertThat(kcl.leaseCounter()).isEqualTo(mine.counter());
        assertThat(kcl.checkpoint()).isEqualTo(new ExtendedSequenceNumber(SEQ, 4L));
        assertThat(kcl.pendingCheckpoint()).isEqualTo(new ExtendedSequenceNumber(NEXT, 3L));
        assertThat(kcl.ownerSwitchesSinceCheckpoint()).isZero();
        assertThat(kcl.hashKeyRangeForLease().serializedEndingHashKey()).isEqualTo(MAX_HASH);

        checkpointer.shardEnded();
        checkpointer.checkpoint();
        assertThat(kclSerializer
                        .fromDynamoRecord(getRaw("shardId-000000000005"))
                        .checkpoint())
                .isEqualTo(ExtendedSequenceNumber.SHARD_END);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
