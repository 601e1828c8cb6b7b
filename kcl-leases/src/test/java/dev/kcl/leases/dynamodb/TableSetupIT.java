package dev.kcl.leases.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.testkit.AwsClients;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

@KclStack
class TableSetupIT {

    @Test
    void createsAnOnDemandTableWithBothIndexesInOneCall(AwsStack stack, TestNames names) {
        List<String> calls = new CopyOnWriteArrayList<>();
        try (DynamoDbAsyncClient counting = countingClient(stack, calls)) {
            DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(counting, names.applicationName())
                    .build();

            table.ensureExists();
            table.ensureExists(); // idempotent

            // one CreateTable with both indexes, and no index added afterwards by UpdateTable
            assertThat(calls).containsOnlyOnce("CreateTable").doesNotContain("UpdateTable");
        }
        TableDescription description = describe(stack, names.applicationName());
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(description.globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("leaseOwner-index", "entityType-index");
    }

    /** A client of the stack's DynamoDB that records the name of every operation it sends. */
    private static DynamoDbAsyncClient countingClient(AwsStack stack, List<String> calls) {
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        return DynamoDbAsyncClient.builder()
                .endpointOverride(stack.dynamoDbEndpoint())
                .region(AwsClients.REGION)
                .credentialsProvider(AwsClients.credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
                .build();
    }

    @Test
    void completesATableKclCreatedWithoutTheIndexes(AwsStack stack, TestNames names) {
        // Given a lease table as KCL 2.x creates it: just the leaseKey hash key, with a KCL lease in it
        String name = names.applicationName();
        stack.dynamoDb()
                .createTable(b -> b.tableName(name)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder()
                                .attributeName("leaseKey")
                                .attributeType(ScalarAttributeType.S)
                                .build())
                        .keySchema(KeySchemaElement.builder()
                                .attributeName("leaseKey")
                                .keyType(KeyType.HASH)
                                .build()))
                .join();
        stack.dynamoDb()
                .putItem(b -> b.tableName(name)
                        .item(Map.of(
                                "leaseKey", AttributeValue.fromS("shardId-000000000000"),
                                "leaseOwner", AttributeValue.fromS("kcl-worker"),
                                "leaseCounter", AttributeValue.fromN("12"),
                                "checkpoint",
                                        AttributeValue.fromS(
                                                "49590338271490256608559692538361571095921575989136588898"),
                                "checkpointSubSequenceNumber", AttributeValue.fromN("0"),
                                "ownerSwitchesSinceCheckpoint", AttributeValue.fromN("0"))))
                .join();
        DynamoDbLeaseTable table =
                DynamoDbLeaseTable.builder(stack.dynamoDb(), name).build();

        // When kcl starts on it
        table.ensureExists();

        // Then both indexes exist and the existing lease is found through the owner index
        assertThat(describe(stack, name).globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("leaseOwner-index", "entityType-index");
        assertThat(table.leasesOwnedBy("kcl-worker")).extracting(Lease::counter).containsExactly(12L);
    }

    @Test
    void reusesAnExistingOwnerIndexWhateverItsName(AwsStack stack, TestNames names) {
        String name = names.applicationName();
        stack.dynamoDb()
                .createTable(b -> b.tableName(name)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                AttributeDefinition.builder()
                                        .attributeName("leaseKey")
                                        .attributeType(ScalarAttributeType.S)
                                        .build(),
                                AttributeDefinition.builder()
                                        .attributeName("leaseOwner")
                                        .attributeType(ScalarAttributeType.S)
                                        .build())
                        .keySchema(KeySchemaElement.builder()
                                .attributeName("leaseKey")
                                .keyType(KeyType.HASH)
                                .build())
                        .globalSecondaryIndexes(
                                software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.builder()
                                        .indexName("OwnersOfLeases")
                                        .keySchema(KeySchemaElement.builder()
                                                .attributeName("leaseOwner")
                                                .keyType(KeyType.HASH)
                                                .build())
                                        .projection(p -> p.projectionType(ProjectionType.ALL))
                                        .build()))
                .join();
        DynamoDbLeaseTable table =
                DynamoDbLeaseTable.builder(stack.dynamoDb(), name).build();

        table.ensureExists();
        Lease lease = Lease.create("shard-0", StoredCheckpoint.of("TRIM_HORIZON"), Set.of());
        table.create(lease);
        table.assign(lease, "w");

        assertThat(describe(stack, name).globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("OwnersOfLeases", "entityType-index");
        assertThat(table.leasesOwnedBy("w")).hasSize(1);
    }

    @Test
    void aMissingTableIsAClearNonRetryableError(AwsStack stack, TestNames names) {
        DynamoDbLeaseTable table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();

        assertThatThrownBy(table::listLeases)
                .isInstanceOf(LeaseTableException.class)
                .hasMessageContaining(names.applicationName())
                .hasMessageContaining("does not exist")
                .satisfies(
                        e -> assertThat(((LeaseTableException) e).retryable()).isFalse());
    }

    @Test
    void rejectsAnInvalidTableName(AwsStack stack) {
        assertThatThrownBy(() -> DynamoDbLeaseTable.builder(stack.dynamoDb(), "no spaces allowed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tableName");
    }

    private static TableDescription describe(AwsStack stack, String name) {
        return stack.dynamoDb().describeTable(b -> b.tableName(name)).join().table();
    }
}
