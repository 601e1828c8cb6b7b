package dev.kcl.testkit;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * Started in a separate JVM by {@link LocalDynamoDbIT}: starts DynamoDB Local, creates a table, and prints the tables
 * it lists (so sqlite, and with it the native library, was used).
 */
public final class DynamoDbProbeMain {
    private DynamoDbProbeMain() {}

    public static void main(String[] args) {
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
            var client = dynamoDb.newAsyncClient();
            client.createTable(b -> b.tableName("probe-table")
                            .billingMode("PAY_PER_REQUEST")
                            .attributeDefinitions(AttributeDefinition.builder()
                                    .attributeName("k")
                                    .attributeType("S")
                                    .build())
                            .keySchema(KeySchemaElement.builder()
                                    .attributeName("k")
                                    .keyType("HASH")
                                    .build()))
                    .join();
            System.out.println("tables=" + client.listTables().join().tableNames());
            System.out.flush();
            client.close();
        }
        System.exit(0); // DynamoDB Local leaves non-daemon threads behind
    }
}
