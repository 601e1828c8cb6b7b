package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

@KclStack
class LocalDynamoDbIT {

    /**
     * Where no sqlite4java artifact is resolved (always so on aarch64), DynamoDB Local loads the native library bundled
     * in its own jar: run it in a JVM whose library path holds nothing.
     */
    @Test
    void startsWithDynamoDbLocalsOwnNativeLibraryWhenNoneIsResolved(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) throws Exception {
        java.nio.file.Path log = empty.resolve("probe.log");
        Process probe = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-D" + SqliteNativeLibrary.LIBRARY_PATH_PROPERTY + "=" + empty,
                        "-cp",
                        System.getProperty("java.class.path"),
                        DynamoDbProbeMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!exited) {
            probe.destroyForcibly();
        }
        String output = java.nio.file.Files.readString(log);

        assertThat(exited).as("the probe exited; it printed:%n%s", output).isTrue();
        assertThat(output).contains("tables=[probe-table]");
        assertThat(probe.exitValue()).isZero();
    }

    @Test
    void conditionalWritesFailAsDynamoDbsDo(AwsStack stack, TestNames names) {
        // Given a lease-style table with an owner index created in the same call
        DynamoDbAsyncClient dynamo = stack.dynamoDb();
        String table = names.applicationName();
        dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attribute("leaseKey"), attribute("leaseOwner"))
                        .keySchema(hashKey("leaseKey"))
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                .indexName("leaseOwner-index")
                                .keySchema(hashKey("leaseOwner"))
                                .projection(p -> p.projectionType(ProjectionType.ALL))
                                .build()))
                .join();
        var description = dynamo.describeTable(b -> b.tableName(table)).join().table();
        assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(description.globalSecondaryIndexes().get(0).indexStatus()).isEqualTo(IndexStatus.ACTIVE);
        dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("leaseKey", s("shard-0"), "leaseOwner", s("a"), "leaseCounter", n(1))))
                .join();

        // When a write expects a counter the item no longer has, it fails with ConditionalCheckFailed
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName(table)
                                .key(Map.of("leaseKey", s("shard-0")))
                                .updateExpression("SET leaseOwner = :new, leaseCounter = leaseCounter + :one")
                                .conditionExpression("leaseCounter = :expected")
                                .expressionAttributeValues(Map.of(":new", s("b"), ":one", n(1), ":expected", n(7))))
                        .join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                                .item(Map.of("leaseKey", s("shard-0")))
                                .conditionExpression("attribute_not_exists(leaseKey)"))
                        .join())
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);

        // And a write with the right expectation applies
        dynamo.updateItem(b -> b.tableName(table)
                        .key(Map.of("leaseKey", s("shard-0")))
                        .updateExpression("SET leaseOwner = :new, leaseCounter = leaseCounter + :one")
                        .conditionExpression("leaseCounter = :expected")
                        .expressionAttributeValues(Map.of(":new", s("b"), ":one", n(1), ":expected", n(1))))
                .join();
        var item = dynamo.getItem(b ->
                        b.tableName(table).key(Map.of("leaseKey", s("shard-0"))).consistentRead(true))
                .join()
                .item();
        assertThat(item.get("leaseOwner").s()).isEqualTo("b");
        assertThat(item.get("leaseCounter").n()).isEqualTo("2");
        var byOwner = dynamo.query(b -> b.tableName(table)
                        .indexName("leaseOwner-index")
                        .keyConditionExpression("leaseOwner = :o")
                        .expressionAttributeValues(Map.of(":o", s("b"))))
                .join();
        assertThat(byOwner.items()).hasSize(1);
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement hashKey(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.HASH)
                .build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
