package dev.kcl.leases.dynamodb;

import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseTableContract;
import dev.kcl.leases.WorkerRegistry;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;
import org.junit.jupiter.api.BeforeEach;

/** The lease-table contract on DynamoDB Local. */
@KclStack
class DynamoDbLeaseTableIT extends LeaseTableContract {
    private DynamoDbLeaseTable table;

    @BeforeEach
    void setUp(AwsStack stack, TestNames names) {
        table = DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build();
        table.ensureExists();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends LeaseTable & WorkerRegistry> T table() {
        return (T) table;
    }
}
