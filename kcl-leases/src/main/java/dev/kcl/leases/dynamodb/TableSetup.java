package dev.kcl.leases.dynamodb;

import static dev.kcl.leases.dynamodb.LeaseAttributes.ENTITY_INDEX;
import static dev.kcl.leases.dynamodb.LeaseAttributes.ENTITY_TYPE;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_KEY;
import static dev.kcl.leases.dynamodb.LeaseAttributes.LEASE_OWNER;
import static dev.kcl.leases.dynamodb.LeaseAttributes.OWNER_INDEX;

import dev.kcl.leases.LeaseTableException;
import dev.kcl.time.Sleeper;
import dev.kcl.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the lease table and its two indexes, or finds and completes an existing one (a table KCL created lacks
 * them), and waits until everything is ACTIVE.
 *
 * <p>The indexes: {@code leaseOwner-index} (hash {@code leaseOwner}, all attributes), through which each worker
 * finds its leases, and {@code entityType-index} (hash {@code entityType}, keys only), a sparse index holding just
 * the heartbeat and leader items (and the lease items KCL 3.5 marks LEASE). An existing index with the right key and projection is used whatever its name.
 */
final class TableSetup {
    private static final Logger log = LoggerFactory.getLogger(TableSetup.class);

    /** Blocking SDK call with the adapter's timeout and error translation. */
    interface Caller {
        <T> T call(String operation, CompletableFuture<T> future);
    }

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration activeTimeout;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final Caller caller;
    private volatile String ownerIndex = OWNER_INDEX;
    private volatile String entityIndex = ENTITY_INDEX;

    TableSetup(
            DynamoDbAsyncClient dynamo,
            String table,
            Duration activeTimeout,
            Ticker ticker,
            Sleeper sleeper,
            Caller caller) {
        this.dynamo = dynamo;
        this.table = table;
        this.activeTimeout = activeTimeout;
        this.ticker = ticker;
        this.sleeper = sleeper;
        this.caller = caller;
    }

    String ownerIndex() {
        return ownerIndex;
    }

    String entityIndex() {
        return entityIndex;
    }

    /** Creates or completes the table; everything must be ACTIVE within one {@code activeTimeout} in all. */
    void ensureExists() {
        long deadline = ticker.nanos() + activeTimeout.toNanos();
        Optional<TableDescription> existing = describe();
        if (existing.isEmpty()) {
            create();
        }
        TableDescription description = awaitActive(deadline);
        Optional<String> owners = findIndex(description, LEASE_OWNER, ProjectionType.ALL);
        if (owners.isEmpty()) {
            addIndex(OWNER_INDEX, LEASE_OWNER, ProjectionType.ALL);
            description = awaitActive(deadline);
            owners = Optional.of(OWNER_INDEX);
        }
        Optional<String> entities = findIndex(description, ENTITY_TYPE, null);
        if (entities.isEmpty()) {
            addIndex(ENTITY_INDEX, ENTITY_TYPE, ProjectionType.KEYS_ONLY);
            awaitActive(deadline);
            entities = Optional.of(ENTITY_INDEX);
        }
        ownerIndex = owners.get();
        entityIndex = entities.get();
    }

    private void create() {
        log.info("creating lease table {} (on-demand, with {} and {})", table, OWNER_INDEX, ENTITY_INDEX);
        try {
            caller.call(
                    "CreateTable",
                    dynamo.createTable(b -> b.tableName(table)
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(attribute(LEASE_KEY), attribute(LEASE_OWNER), attribute(ENTITY_TYPE))
                            .keySchema(hash(LEASE_KEY))
                            .globalSecondaryIndexes(
                                    index(OWNER_INDEX, LEASE_OWNER, ProjectionType.ALL),
                                    index(ENTITY_INDEX, ENTITY_TYPE, ProjectionType.KEYS_ONLY))));
        } catch (LeaseTableException e) {
            if (!(e.getCause() instanceof ResourceInUseException)) {
                throw e;
            }
            // another worker is creating it at the same moment: wait for it below
        }
    }

    private void addIndex(String name, String attribute, ProjectionType projection) {
        log.info("adding index {} to lease table {}", name, table);
        try {
            caller.call(
                    "UpdateTable",
                    dynamo.updateTable(b -> b.tableName(table)
                            .attributeDefinitions(attribute(attribute))
                            .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder()
                                    .create(c -> c.indexName(name)
                                            .keySchema(hash(attribute))
                                            .projection(p -> p.projectionType(projection)))
                                    .build())));
        } catch (LeaseTableException e) {
            if (!(e.getCause() instanceof ResourceInUseException)) {
                throw e;
            }
            // another worker is adding it, or the table is busy: wait for ACTIVE below
        }
    }

    boolean exists() {
        return describe().isPresent();
    }

    private Optional<TableDescription> describe() {
        try {
            return Optional.of(caller.call("DescribeTable", dynamo.describeTable(b -> b.tableName(table)))
                    .table());
        } catch (LeaseTableException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Waits until the table and all its indexes are ACTIVE, at most until {@code deadline} (ticker nanos). */
    private TableDescription awaitActive(long deadline) {
        Duration pause = Duration.ofMillis(100);
        while (true) {
            Optional<TableDescription> description = describe();
            if (description.isPresent() && isActive(description.get())) {
                return description.get();
            }
            if (ticker.nanos() - deadline >= 0) {
                throw new LeaseTableException(
                        "lease table " + table + " did not become ACTIVE within activeTimeout " + activeTimeout + " ("
                                + description.map(TableSetup::status).orElse("table missing")
                                + "); check the table in the DynamoDB console, or raise activeTimeout",
                        false);
            }
            long left = deadline - ticker.nanos();
            sleeper.sleep(pause.toNanos() < left ? pause : Duration.ofNanos(left));
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                    ? Duration.ofSeconds(2)
                    : pause.multipliedBy(2);
        }
    }

    /** The table's status and that of each index not yet ACTIVE, for error messages. */
    private static String status(TableDescription description) {
        StringBuilder status = new StringBuilder("table ").append(description.tableStatusAsString());
        if (description.hasGlobalSecondaryIndexes()) {
            for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
                if (index.indexStatus() != IndexStatus.ACTIVE) {
                    status.append(", index ")
                            .append(index.indexName())
                            .append(' ')
                            .append(index.indexStatusAsString());
                }
            }
        }
        return status.toString();
    }

    private static boolean isActive(TableDescription description) {
        if (description.tableStatus() != TableStatus.ACTIVE) {
            return false;
        }
        List<GlobalSecondaryIndexDescription> indexes =
                description.hasGlobalSecondaryIndexes() ? description.globalSecondaryIndexes() : List.of();
        return indexes.stream().allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE);
    }

    /** An index hashed on {@code attribute} with the given projection (any projection when null). */
    static Optional<String> findIndex(TableDescription description, String attribute, ProjectionType projection) {
        if (!description.hasGlobalSecondaryIndexes()) {
            return Optional.empty();
        }
        return description.globalSecondaryIndexes().stream()
                .filter(i -> i.keySchema().stream()
                        .anyMatch(k ->
                                k.keyType() == KeyType.HASH && k.attributeName().equals(attribute)))
                .filter(i -> projection == null || i.projection().projectionType() == projection)
                .map(GlobalSecondaryIndexDescription::indexName)
                .findFirst();
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.HASH)
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String attribute, ProjectionType projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(hash(attribute))
                .projection(p -> p.projectionType(projection))
                .build();
    }
}
