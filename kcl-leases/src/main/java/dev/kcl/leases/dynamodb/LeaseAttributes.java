package dev.kcl.leases.dynamodb;

/**
 * Attribute names and key prefixes of the lease table. Lease attributes carry KCL's names, so an application can
 * move between KCL and kcl on the same table; see {@code docs/lease-table.md}.
 */
final class LeaseAttributes {
    private LeaseAttributes() {}

    // Lease items: KCL 2.x / 3.x names.
    static final String LEASE_KEY = "leaseKey";
    static final String LEASE_OWNER = "leaseOwner";
    static final String LEASE_COUNTER = "leaseCounter";
    static final String CHECKPOINT = "checkpoint";
    static final String CHECKPOINT_SUB_SEQUENCE = "checkpointSubSequenceNumber";
    static final String PENDING_CHECKPOINT = "pendingCheckpoint";
    static final String PENDING_CHECKPOINT_SUB_SEQUENCE = "pendingCheckpointSubSequenceNumber";
    static final String OWNER_SWITCHES = "ownerSwitchesSinceCheckpoint";
    static final String PARENT_SHARD_IDS = "parentShardId";
    static final String CHILD_SHARD_IDS = "childShardIds";
    static final String STARTING_HASH_KEY = "startingHashKey";
    static final String ENDING_HASH_KEY = "endingHashKey";
    static final String THROUGHPUT_KBPS = "throughputKBps";
    /** KCL 3.x's graceful handoff: the worker still processing while leaseOwner names the next one. */
    static final String CHECKPOINT_OWNER = "checkpointOwner";

    static final String CHECKPOINT_OWNER_TIMEOUT = "checkpointOwnerTimeoutTimestampMillis";
    // Lease items: kcl's own.
    static final String HANDOFF_TO = "handoffTo";
    /** With checkpoint AT_TIMESTAMP: the time to start at, epoch milliseconds (KCL takes it from configuration). */
    static final String CHECKPOINT_TIMESTAMP = "checkpointTimestamp";

    // Heartbeat and leader items.
    static final String ENTITY_TYPE = "entityType";
    /** What KCL 3.5 writes on lease items; older KCL versions write no entityType at all. */
    static final String ENTITY_LEASE = "LEASE";

    static final String ENTITY_WORKER = "WORKER";
    static final String ENTITY_LEADER = "LEADER";
    static final String WORKER_ID = "workerId";
    static final String HEARTBEAT_COUNTER = "heartbeatCounter";
    static final String DRAINING = "draining";
    /** The writer's wall-clock time of a heartbeat, epoch milliseconds: for operators only, never for liveness. */
    static final String HEARTBEAT_AT = "heartbeatAt";
    /** The failover time of the worker that wrote a heartbeat, in milliseconds: for operators. */
    static final String FAILOVER_MILLIS = "failoverMillis";

    static final String LEADER_ID = "leaderId";
    static final String LEADER_TERM = "leaderTerm";

    /** Keys of heartbeat and leader items start with this; shard ids never do. */
    static final String RESERVED_PREFIX = "__kcl:";

    static final String WORKER_KEY_PREFIX = RESERVED_PREFIX + "worker:";
    static final String LEADER_KEY = RESERVED_PREFIX + "leader";

    static final String OWNER_INDEX = "leaseOwner-index";
    static final String ENTITY_INDEX = "entityType-index";

    /** True for lease items: those without an entityType (KCL before 3.5) or with {@code LEASE}. */
    static boolean isLease(java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        var type = item.get(ENTITY_TYPE);
        return type == null || ENTITY_LEASE.equals(type.s());
    }

    static String workerKey(String workerId) {
        return WORKER_KEY_PREFIX + workerId;
    }
}
