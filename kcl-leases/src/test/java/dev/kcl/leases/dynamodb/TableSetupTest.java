package dev.kcl.leases.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.leases.LeaseTableException;
import dev.kcl.time.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;

/** Waiting for the lease table to become usable, on a fake clock, against a DynamoDB that answers as told. */
class TableSetupTest {
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(30);

    private final FakeTime time = new FakeTime();
    private final StubDynamoDb dynamo = new StubDynamoDb();
    private final DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(dynamo, "orders-app")
            .activeTimeout(ACTIVE_TIMEOUT)
            .ticker(time)
            .sleeper(time::advance)
            .build();

    @Test
    void aTableThatStaysCreatingIsAClearNonRetryableErrorAfterTheActiveTimeout() {
        dynamo.table = () -> table(TableStatus.CREATING);
        long start = time.nanos();

        assertThatThrownBy(table::ensureExists)
                .isInstanceOf(LeaseTableException.class)
                .hasMessageContaining("orders-app")
                .hasMessageContaining("CREATING")
                .hasMessageContaining(ACTIVE_TIMEOUT.toString())
                .satisfies(
                        e -> assertThat(((LeaseTableException) e).retryable()).isFalse());
        assertThat(Duration.ofNanos(time.nanos() - start)).isEqualTo(ACTIVE_TIMEOUT);
        assertThat(dynamo.calls).containsOnly("DescribeTable");
    }

    @Test
    void theTableAndTheIndexesItNeedsShareOneActiveTimeout() {
        // Given a table that takes 20 s to become ACTIVE, without the indexes, and an index that never does
        long start = time.nanos();
        dynamo.table = () -> time.nanos() - start < Duration.ofSeconds(20).toNanos()
                ? table(TableStatus.CREATING)
                : table(TableStatus.ACTIVE);
        dynamo.onUpdate = () -> dynamo.table = () -> table(TableStatus.ACTIVE).toBuilder()
                .globalSecondaryIndexes(ownerIndex(IndexStatus.CREATING))
                .build();

        // Then the wait for the index ends when the 30 s are up in all, not 30 s after the table became ACTIVE
        assertThatThrownBy(table::ensureExists)
                .isInstanceOf(LeaseTableException.class)
                .hasMessageContaining("orders-app")
                .hasMessageContaining("index leaseOwner-index CREATING")
                .hasMessageContaining(ACTIVE_TIMEOUT.toString());
        assertThat(Duration.ofNanos(time.nanos() - start)).isEqualTo(ACTIVE_TIMEOUT);
        assertThat(dynamo.calls).containsOnlyOnce("UpdateTable");
    }

    private static TableDescription table(TableStatus status) {
        return TableDescription.builder()
                .tableName("orders-app")
                .tableStatus(status)
                .build();
    }

    private static GlobalSecondaryIndexDescription ownerIndex(IndexStatus status) {
        return GlobalSecondaryIndexDescription.builder()
                .indexName("leaseOwner-index")
                .keySchema(KeySchemaElement.builder()
                        .attributeName("leaseOwner")
                        .keyType(KeyType.HASH)
                        .build())
                .projection(p -> p.projectionType(ProjectionType.ALL))
                .indexStatus(status)
                .build();
    }

    /** DescribeTable answers with {@link #table}; UpdateTable runs {@link #onUpdate}; nothing else is expected. */
    private static final class StubDynamoDb implements DynamoDbAsyncClient {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Supplier<TableDescription> table;
        volatile Runnable onUpdate = () -> {};

        @Override
        public CompletableFuture<DescribeTableResponse> describeTable(DescribeTableRequest request) {
            calls.add("DescribeTable");
            return CompletableFuture.completedFuture(
                    DescribeTableResponse.builder().table(table.get()).build());
        }

        @Override
        public CompletableFuture<UpdateTableResponse> updateTable(UpdateTableRequest request) {
            calls.add("UpdateTable");
            onUpdate.run();
            return CompletableFuture.completedFuture(
                    UpdateTableResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }
}
