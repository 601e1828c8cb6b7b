package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The LocalStack path: runs where Docker is available, and is skipped, not failed, where it is not. */
@EnabledIf(
        value = "dev.kcl.testkit.LocalStackContainerStack#isDockerAvailable",
        disabledReason = "no Docker engine: the LocalStack (Testcontainers) path is optional")
class LocalStackContainerIT {

    @Test
    void servesKinesisAndDynamoDb() {
        try (LocalStackContainerStack stack = LocalStackContainerStack.start(LocalStackContainerStack.DEFAULT_IMAGE)) {
            TestNames names = TestNames.forTest("localstack");
            StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
            admin.create(names.streamName(), 1);
            admin.put(names.streamName(), "k", "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(admin.shards(names.streamName())).hasSize(1);
            assertThat(stack.dynamoDb().listTables().join().tableNames()).isNotNull();
        }
    }
}
