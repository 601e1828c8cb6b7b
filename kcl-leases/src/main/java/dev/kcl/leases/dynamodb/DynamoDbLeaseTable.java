package dev.kcl.leases.dynamodb;

import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT_OWNER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT_OWNER_TIMEOUT;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHECKPOINT_SUB_SEQUENCE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.CHILD_SHARD_IDS;
import static dev.kcl.leases.dynamodb.LeaseAttributes.DRAINING;
import static dev.kcl.leases.dynamodb.LeaseAttributes.ENTITY_LEADER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.ENTITY_TYPE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.ENTITY_WORKER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.HANDOFF_TO;
import static dev.kcl.leases.dynamodb.LeaseAttributes.HEARTBEAT_COUNTER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEADER_ID;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEADER_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEADER_TERM;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_COUNTER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_OWNER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.OWNER_SWITCHES;
import static dev.kcl.leases.dynamodb.LeaseAttributes.PENDING_CHECKPOINT;
import static dev.kcl.leases.dynamodb.LeaseAttributes.PENDING_CHECKPOINT_SUB_SEQUENCE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.THROUGHPUT_KBPS;
import static dev.kcl.leases.dynamodb.LeaseAttributes.WORKER_ID;
import static dev.kcl.leases.dynamodb.LeaseAttributes.WORKER_KEY_PREFIX;
import static dev.kcl.leases.dynamodb.LeaseAttributes.workerKey;
import static dev.kcl.leases.dynamodb.LeaseItemCodec.n;
import static dev.kcl.leases.dynamodb.LeaseItemCodec.s;

import dev.kcl.leases.Heartbeat;
import dev.kcl.leases.LeaderLock;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.WorkerRegistry;
import dev.kcl.leases.WorkerStatus;
import dev.kcl.time.Sleeper;
import dev.kcl.time.Ticker;
import dev.kcl.time.WallClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lease table in DynamoDB: leases, worker heartbeats and the leader item in one table named after the
 * application, with KCL's attribute names (see {@code docs/lease-table.md}).
 *
 * <p>Every lease write is an {@code UpdateItem} (or a conditional put for a new lease) that touches only the
 * attributes it changes, so attributes written by other tools survive. Calls block the calling thread for at most
 * the call timeout. Thread-safe.
 */
public final class DynamoDbLeaseTable implements LeaseTable, WorkerRegistry {
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration callTimeout;
    private final Clock clock;
    private final Optional<Duration> failoverTime;
    private final TableSetup setup;

    private DynamoDbLeaseTable(Builder builder) {
        this.dynamo = builder.dynamo;
        this.table = builder.table;
        this.callTimeout = builder.callTimeout;
        this.clock = builder.clock;
        this.failoverTime = Optional.ofNullable(builder.failoverTime);
        this.setup = new TableSetup(dynamo, table, builder.activeTimeout, builder.ticker, builder.sleeper, this::call);
    }

    /** A lease table named {@code tableName} (the application name) reached through {@code dynamo}. */
    public static Builder builder(DynamoDbAsyncClient dynamo, String tableName) {
        return new Builder(dynamo, tableName);
    }

    public String tableName() {
        return table;
    }

    @Override
    public void ensureExists() {
        setup.ensureExists();
    }

    @Override
    public List<Lease> listLeases() {
        List<Lease> leases = new ArrayList<>();
        for (Map<String, AttributeValue> item :
                scan("attribute_not_exists(#type) OR #type = :type", s(LeaseAttributes.ENTITY_LEASE))) {
            leases.add(LeaseItemCodec.fromItem(item));
        }
        return leases;
    }

    /** Every item, read consistently, that {@code filter} keeps: {@code #type} is entityType, {@code :type} is value. */
    private List<Map<String, AttributeValue>> scan(String filter, AttributeValue type) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .filterExpression(filter)
                    .expressionAttributeNames(Map.of("#type", ENTITY_TYPE))
                    .expressionAttributeValues(Map.of(":type", type));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse response = call("Scan", dynamo.scan(request.build()));
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return items;
    }

    @Override
    public List<Lease> leasesOwnedBy(String worker) {
        List<Lease> leases = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(setup.ownerIndex(), LEASE_OWNER, worker)) {
            if (LeaseAttributes.isLease(item)) {
                leases.add(LeaseItemCodec.fromItem(item));
            }
        }
        return leases;
    }

    @Override
    public Optional<Lease> get(String leaseKey) {
        Map<String, AttributeValue> item = getItem(leaseKey);
        return item.isEmpty() || !LeaseAttributes.isLease(item)
                ? Optional.empty()
                : Optional.of(LeaseItemCodec.fromItem(item));
    }

    @Override
    public boolean create(Lease lease) {
        try {
            call(
                    "PutItem",
                    dynamo.putItem(b -> b.tableName(table)
                            .item(LeaseItemCodec.toItem(lease))
                            .conditionExpression("attribute_not_exists(#key)")
                            .expressionAttributeNames(Map.of("#key", LEASE_KEY))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public LeaseWrite assign(Lease expected, String newOwner) {
        Objects.requireNonNull(newOwner, "newOwner");
        Lease next = expected.assignedTo(newOwner);
        return conditionalUpdate(
                expected,
                new Update()
                        .set(LEASE_OWNER, s(newOwner))
                        .set(LEASE_COUNTER, n(next.counter()))
                        .set(OWNER_SWITCHES, n(next.ownerSwitchesSinceCheckpoint()))
                        .remove(HANDOFF_TO)
                        .remove(CHECKPOINT_OWNER)
                        .remove(CHECKPOINT_OWNER_TIMEOUT));
    }

    @Override
    public LeaseWrite markHandoff(Lease expected, String target) {
        Objects.requireNonNull(target, "target");
        if (expected.owner().isEmpty()) {
            throw new IllegalArgumentException("an unowned lease cannot be handed off: " + expected);
        }
        return conditionalUpdate(expected, new Update().set(HANDOFF_TO, s(target)));
    }

    @Override
    public LeaseWrite cancelHandoff(Lease expected) {
        return conditionalUpdate(expected, new Update().remove(HANDOFF_TO));
    }

    @Override
    public LeaseWrite release(Lease expected, Optional<String> successor) {
        Update update = new Update()
                .set(LEASE_COUNTER, n(expected.counter() + 1))
                .remove(HANDOFF_TO)
                .remove(CHECKPOINT_OWNER)
                .remove(CHECKPOINT_OWNER_TIMEOUT);
        if (successor.isPresent()) {
            update.set(LEASE_OWNER, s(successor.get()))
                    .set(OWNER_SWITCHES, n(expected.assignedTo(successor.get()).ownerSwitchesSinceCheckpoint()));
        } else {
            update.remove(LEASE_OWNER);
        }
        return conditionalUpdate(expected, update);
    }

    @Override
    public LeaseWrite updateProgress(Lease expected, Lease updated) {
        if (!expected.hasSameOwnershipAs(updated)) {
            throw new IllegalArgumentException(
                    "updateProgress cannot change the key, owner or counter: " + expected + " -> " + updated);
        }
        Update update = new Update().set(OWNER_SWITCHES, n(updated.ownerSwitchesSinceCheckpoint()));
        setCheckpoint(update, updated.checkpoint());
        updated.pendingCheckpoint()
                .ifPresentOrElse(
                        c -> update.set(PENDING_CHECKPOINT, s(c.sequenceNumber()))
                                .set(PENDING_CHECKPOINT_SUB_SEQUENCE, n(c.subSequenceNumber())),
                        () -> update.remove(PENDING_CHECKPOINT).remove(PENDING_CHECKPOINT_SUB_SEQUENCE));
        if (updated.childShardIds().isEmpty()) {
            update.remove(CHILD_SHARD_IDS);
        } else {
            update.set(CHILD_SHARD_IDS, LeaseItemCodec.ss(updated.childShardIds()));
        }
        updated.throughputKBps()
                .ifPresentOrElse(t -> update.set(THROUGHPUT_KBPS, n(t)), () -> update.remove(THROUGHPUT_KBPS));
        return conditionalUpdate(expected, update);
    }

    private static void setCheckpoint(Update update, Optional<StoredCheckpoint> checkpoint) {
        checkpoint.ifPresentOrElse(
                c -> update.set(CHECKPOINT, s(c.sequenceNumber()))
                        .set(CHECKPOINT_SUB_SEQUENCE, n(c.subSequenceNumber())),
                () -> update.remove(CHECKPOINT).remove(CHECKPOINT_SUB_SEQUENCE));
        checkpoint
                .flatMap(StoredCheckpoint::timestamp)
                .ifPresentOrElse(
                        t -> update.set(LeaseAttributes.CHECKPOINT_TIMESTAMP, n(t.toEpochMilli())),
                        () -> update.remove(LeaseAttributes.CHECKPOINT_TIMESTAMP));
    }

    @Override
    public LeaseWrite resetCheckpoint(Lease expected, StoredCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Update update = new Update()
                .set(LEASE_COUNTER, n(expected.counter() + 1))
                .set(OWNER_SWITCHES, n(0))
                .remove(LEASE_OWNER)
                .remove(PENDING_CHECKPOINT)
                .remove(PENDING_CHECKPOINT_SUB_SEQUENCE)
                .remove("pendingCheckpointState") // KCL's application state of the pending checkpoint
                .remove(HANDOFF_TO)
                .remove(CHECKPOINT_OWNER)
                .remove(CHECKPOINT_OWNER_TIMEOUT);
        setCheckpoint(update, Optional.of(checkpoint));
        return conditionalUpdate(expected, update);
    }

    @Override
    public boolean delete(Lease expected) {
        Fence fence = Fence.of(expected);
        try {
            call(
                    "DeleteItem",
                    dynamo.deleteItem(b -> b.tableName(table)
                            .key(key(expected.leaseKey()))
                            .conditionExpression(fence.condition())
                            .expressionAttributeNames(fence.names())
                            .expressionAttributeValues(fence.values())));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void heartbeat(Heartbeat heartbeat) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LEASE_KEY, s(workerKey(heartbeat.workerId())));
        item.put(ENTITY_TYPE, s(ENTITY_WORKER));
        item.put(WORKER_ID, s(heartbeat.workerId()));
        item.put(HEARTBEAT_COUNTER, n(heartbeat.counter()));
        item.put(DRAINING, AttributeValue.fromBool(heartbeat.draining()));
        item.put(LeaseAttributes.HEARTBEAT_AT, n(clock.millis()));
        failoverTime.ifPresent(f -> item.put(LeaseAttributes.FAILOVER_MILLIS, n(f.toMillis())));
        call("PutItem", dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    /**
     * Every worker's heartbeat item, read consistently with one scan: for operators' tools, which look once. The
     * library itself finds workers through the index and judges them by their counters.
     */
    public List<WorkerStatus> workerStatuses() {
        List<WorkerStatus> workers = new ArrayList<>();
        for (Map<String, AttributeValue> item : scan("#type = :type", s(ENTITY_WORKER))) {
            workers.add(new WorkerStatus(
                    item.get(WORKER_ID).s(),
                    LeaseItemCodec.longValue(item, HEARTBEAT_COUNTER),
                    item.containsKey(DRAINING)
                            && Boolean.TRUE.equals(item.get(DRAINING).bool()),
                    LeaseItemCodec.number(item, LeaseAttributes.HEARTBEAT_AT)
                            .map(ms -> Instant.ofEpochMilli(ms.longValue())),
                    LeaseItemCodec.number(item, LeaseAttributes.FAILOVER_MILLIS)
                            .map(ms -> Duration.ofMillis(ms.longValue()))));
        }
        workers.sort(java.util.Comparator.comparing(WorkerStatus::workerId));
        return workers;
    }

    /** True if the table exists (in any state); never creates it. */
    public boolean exists() {
        return setup.exists();
    }

    @Override
    public List<String> workerIds() {
        List<String> ids = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(setup.entityIndex(), ENTITY_TYPE, ENTITY_WORKER)) {
            String key = item.get(LEASE_KEY).s();
            if (key.startsWith(WORKER_KEY_PREFIX)) {
                ids.add(key.substring(WORKER_KEY_PREFIX.length()));
            }
        }
        return ids;
    }

    @Override
    public Map<String, Heartbeat> heartbeats(Collection<String> workerIds) {
        Map<String, Heartbeat> found = new LinkedHashMap<>();
        List<String> ids = List.copyOf(workerIds);
        for (int from = 0; from < ids.size(); from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys =
                    ids.subList(from, Math.min(ids.size(), from + BATCH_GET_LIMIT)).stream()
                            .map(id -> key(workerKey(id)))
                            .toList();
            Map<String, KeysAndAttributes> request = Map.of(
                    table,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> current = request;
                BatchGetItemResponse response = call("BatchGetItem", dynamo.batchGetItem(b -> b.requestItems(current)));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    Heartbeat heartbeat = new Heartbeat(
                            item.get(WORKER_ID).s(),
                            LeaseItemCodec.longValue(item, HEARTBEAT_COUNTER),
                            item.containsKey(DRAINING)
                                    && Boolean.TRUE.equals(item.get(DRAINING).bool()));
                    found.put(heartbeat.workerId(), heartbeat);
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    @Override
    public void removeWorker(String workerId) {
        call("DeleteItem", dynamo.deleteItem(b -> b.tableName(table).key(key(workerKey(workerId)))));
    }

    @Override
    public Optional<LeaderLock> leader() {
        Map<String, AttributeValue> item = getItem(LEADER_KEY);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LeaderLock(item.get(LEADER_ID).s(), LeaseItemCodec.longValue(item, LEADER_TERM)));
    }

    @Override
    public Optional<LeaderLock> claimLeadership(Optional<LeaderLock> expected, String workerId) {
        LeaderLock next =
                new LeaderLock(workerId, expected.map(l -> l.term() + 1).orElse(1L));
        Map<String, AttributeValue> item = Map.of(
                LEASE_KEY, s(LEADER_KEY),
                ENTITY_TYPE, s(ENTITY_LEADER),
                LEADER_ID, s(next.leaderId()),
                LEADER_TERM, n(next.term()));
        try {
            if (expected.isEmpty()) {
                call(
                        "PutItem",
                        dynamo.putItem(b -> b.tableName(table)
                                .item(item)
                                .conditionExpression("attribute_not_exists(#key)")
                                .expressionAttributeNames(Map.of("#key", LEASE_KEY))));
            } else {
                call(
                        "PutItem",
                        dynamo.putItem(b -> b.tableName(table)
                                .item(item)
                                .conditionExpression("#leader = :leader AND #term = :term")
                                .expressionAttributeNames(Map.of("#leader", LEADER_ID, "#term", LEADER_TERM))
                                .expressionAttributeValues(Map.of(
                                        ":leader",
                                        s(expected.get().leaderId()),
                                        ":term",
                                        n(expected.get().term())))));
            }
            return Optional.of(next);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean releaseLeadership(LeaderLock expected) {
        try {
            call(
                    "DeleteItem",
                    dynamo.deleteItem(b -> b.tableName(table)
                            .key(key(LEADER_KEY))
                            .conditionExpression("#leader = :leader AND #term = :term")
                            .expressionAttributeNames(Map.of("#leader", LEADER_ID, "#term", LEADER_TERM))
                            .expressionAttributeValues(
                                    Map.of(":leader", s(expected.leaderId()), ":term", n(expected.term())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private LeaseWrite conditionalUpdate(Lease expected, Update update) {
        Fence fence = Fence.of(expected);
        Map<String, String> names = new HashMap<>(update.names);
        Map<String, AttributeValue> values = new HashMap<>(update.values);
        names.putAll(fence.names());
        values.putAll(fence.values());
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(key(expected.leaseKey()))
                .updateExpression(update.expression())
                .conditionExpression(fence.condition())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            Map<String, AttributeValue> stored =
                    call("UpdateItem", dynamo.updateItem(request)).attributes();
            return new LeaseWrite.Applied(LeaseItemCodec.fromItem(stored));
        } catch (ConditionalCheckFailedException e) {
            return new LeaseWrite.Conflict(expected.leaseKey());
        }
    }

    private List<Map<String, AttributeValue>> query(String index, String attribute, String value) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder()
                    .tableName(table)
                    .indexName(index)
                    .keyConditionExpression("#a = :v")
                    .expressionAttributeNames(Map.of("#a", attribute))
                    .expressionAttributeValues(Map.of(":v", s(value)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse response = call("Query", dynamo.query(request.build()));
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return items;
    }

    private Map<String, AttributeValue> getItem(String leaseKey) {
        var response = call(
                "GetItem",
                dynamo.getItem(b -> b.tableName(table).key(key(leaseKey)).consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    private static Map<String, AttributeValue> key(String leaseKey) {
        return Map.of(LEASE_KEY, s(leaseKey));
    }

    /**
     * Waits for an SDK call for at most the call timeout. A lost condition surfaces as
     * {@link ConditionalCheckFailedException} for the caller to turn into an outcome; every other failure is a
     * {@link dev.kcl.leases.LeaseTableException}.
     */
    <T> T call(String operation, CompletableFuture<T> future) {
        try {
            return future.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new dev.kcl.leases.LeaseTableException(operation + " on " + table + " interrupted", true, e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw DynamoDbErrors.classify(table, operation, e);
        } catch (ExecutionException e) {
            Throwable cause = DynamoDbErrors.unwrap(e);
            if (cause instanceof ConditionalCheckFailedException conditional) {
                throw conditional;
            }
            throw DynamoDbErrors.classify(table, operation, cause);
        }
    }

    @Override
    public String toString() {
        return "DynamoDbLeaseTable[" + table + "]";
    }

    /**
     * The condition every lease write carries: the stored {@code leaseCounter} and {@code leaseOwner} are the
     * expected ones, or the owner is absent when the expected lease has none.
     */
    private record Fence(String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        static Fence of(Lease expected) {
            Map<String, String> names = Map.of("#c_counter", LEASE_COUNTER, "#c_owner", LEASE_OWNER);
            if (expected.owner().isPresent()) {
                return new Fence(
                        "#c_counter = :c_counter AND #c_owner = :c_owner",
                        names,
                        Map.of(
                                ":c_counter",
                                n(expected.counter()),
                                ":c_owner",
                                s(expected.owner().get())));
            }
            return new Fence(
                    "#c_counter = :c_counter AND attribute_not_exists(#c_owner)",
                    names,
                    Map.of(":c_counter", n(expected.counter())));
        }
    }

    /** An update expression under construction. */
    private static final class Update {
        private final List<String> sets = new ArrayList<>();
        private final List<String> removes = new ArrayList<>();
        private final Map<String, String> names = new HashMap<>();
        private final Map<String, AttributeValue> values = new HashMap<>();

        Update set(String attribute, AttributeValue value) {
            String token = "u" + names.size();
            names.put("#" + token, attribute);
            values.put(":" + token, value);
            sets.add("#" + token + " = :" + token);
            return this;
        }

        Update remove(String attribute) {
            String token = "u" + names.size();
            names.put("#" + token, attribute);
            removes.add("#" + token);
            return this;
        }

        String expression() {
            StringBuilder expression = new StringBuilder();
            if (!sets.isEmpty()) {
                expression.append("SET ").append(String.join(", ", sets));
            }
            if (!removes.isEmpty()) {
                expression
                        .append(expression.length() > 0 ? " " : "")
                        .append("REMOVE ")
                        .append(String.join(", ", removes));
            }
            return expression.toString();
        }
    }

    /** Settings of the adapter. */
    public static final class Builder {
        private final DynamoDbAsyncClient dynamo;
        private final String table;
        private Duration callTimeout = Duration.ofSeconds(10);
        private Duration activeTimeout = Duration.ofMinutes(5);
        private Ticker ticker = Ticker.system();
        private Sleeper sleeper = Sleeper.system();
        private Clock clock = WallClock.systemUtc();
        private Duration failoverTime;

        private Builder(DynamoDbAsyncClient dynamo, String table) {
            this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
            this.table = Objects.requireNonNull(table, "tableName");
            if (table.length() < 3 || table.length() > 255 || !table.matches("[a-zA-Z0-9_.-]+")) {
                throw new IllegalArgumentException(
                        "tableName must be 3-255 characters of [a-zA-Z0-9_.-], was '" + table + "'");
            }
        }

        /** The longest any single DynamoDB call may take before it counts as failed. Default 10 s. */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = positive(callTimeout, "callTimeout");
            return this;
        }

        /**
         * How long {@link #ensureExists()} waits in all for a new table and the indexes it adds to become ACTIVE.
         * Default 5 min.
         */
        public Builder activeTimeout(Duration activeTimeout) {
            this.activeTimeout = positive(activeTimeout, "activeTimeout");
            return this;
        }

        /** Clock for waiting on the table. Default: the system clock. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** How to wait between table status checks. Default: sleeping on the system clock. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The wall clock stamped on heartbeat items for operators (liveness never reads it). Default: the system
         * clock.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The failover time of the worker heartbeating through this table, written on its heartbeat item so that
         * operators' tools can tell a live worker from a gone one. Default: not written.
         */
        public Builder failoverTime(Duration failoverTime) {
            this.failoverTime = positive(failoverTime, "failoverTime");
            return this;
        }

        public DynamoDbLeaseTable build() {
            return new DynamoDbLeaseTable(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
