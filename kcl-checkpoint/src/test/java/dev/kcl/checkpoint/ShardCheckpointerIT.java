package dev.kcl.checkpoint;

import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;

/** The checkpointer contract on DynamoDB Local. */
@KclStack
class ShardCheckpointerIT extends ShardCheckpointerContract {
    private final DynamoDbLeaseTable table;

    ShardCheckpointerIT(AwsStack stack, TestNames names) {
        table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.unique("app"))
                .build();
        table.ensureExists();
    }

    @Override
    protected LeaseTable table() {
        return table;
    }
}
