package dev.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Bad configuration fails in build(), naming the field. */
class WorkerBuilderTest {
    private static final KinesisAsyncClient KINESIS =
            KinesisAsyncClient.builder().region(Region.US_EAST_1).build();
    private static final DynamoDbAsyncClient DYNAMO =
            DynamoDbAsyncClient.builder().region(Region.US_EAST_1).build();

    private static Worker.Builder valid() {
        return Worker.builder()
                .applicationName("orders-app")
                .streamName("orders")
                .kinesis(KINESIS)
                .dynamoDb(DYNAMO)
                .processorFactory(shardId -> new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {}

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }
                });
    }

    private static void rejects(UnaryOperator<Worker.Builder> change, String field) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field);
    }

    @Test
    void aValidConfigurationBuildsAWorkerThatHasNotStarted() {
        Worker worker = valid().workerId("host-a").build();

        assertThat(worker.state()).isEqualTo(WorkerState.CREATED);
        assertThat(worker.workerId()).isEqualTo("host-a");
        assertThat(worker.shutdown(Duration.ofSeconds(1))).isTrue();
        assertThat(worker.state()).isEqualTo(WorkerState.STOPPED);
    }

    @Test
    void aDefaultWorkerIdIsMadeUp() {
        assertThat(valid().build().workerId()).isNotBlank();
    }

    @Test
    void namesTheFieldThatIsWrong() {
        rejects(b -> b.applicationName(null), "applicationName");
        rejects(b -> b.applicationName("has spaces"), "applicationName");
        rejects(b -> b.streamName(""), "streamName");
        rejects(b -> b.kinesis(null), "kinesis");
        rejects(b -> b.dynamoDb(null), "dynamoDb");
        rejects(b -> b.processorFactory(null), "processorFactory");
        rejects(b -> b.failoverTime(Duration.ofMillis(500)), "failoverTime");
        rejects(b -> b.retrieval(null), "retrieval");
        rejects(b -> b.processorThreads(0), "processorThreads");
        rejects(b -> b.parallelism(0), "parallelism");
        rejects(b -> b.parallelism(65), "parallelism");
        rejects(b -> b.shardSyncInterval(Duration.ZERO), "shardSyncInterval");
        rejects(b -> b.workerId("a:b"), "workerId");
    }

    @Test
    void pollingSettingsAreCheckedWhenBuilt() {
        assertThatThrownBy(
                        () -> PollingConfig.builder().maxRecordsPerCall(20_000).build())
                .hasMessageContaining("maxRecordsPerCall");
        assertThatThrownBy(() ->
                        PollingConfig.builder().idleTime(Duration.ofMillis(-1)).build())
                .hasMessageContaining("idleTime");
        assertThatThrownBy(() -> PollingConfig.builder()
                        .minCallInterval(Duration.ofMillis(100))
                        .build())
                .hasMessageContaining("minCallInterval")
                .hasMessageContaining("5 GetRecords calls per second");
    }
}
