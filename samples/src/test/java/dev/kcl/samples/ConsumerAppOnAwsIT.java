package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.testkit.AwsClients;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The sample's AWS path: {@code java -jar kcl-sample.jar} with {@code KCL_STREAM} set consumes that stream until
 * SIGTERM. The child JVM is configured only as it would be on AWS, through environment variables: the SDK's standard
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_REGION} and {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}
 * point its default clients at the local stack.
 *
 * <p>The Kinesis endpoint is the emulator's plain port. The sample's polling client is the SDK's default, which speaks
 * HTTP/2 to Kinesis; over plain HTTP it uses HTTP/2 with prior knowledge, which the plain port serves, so neither the
 * sample nor the child JVM needs to trust the emulator's self-signed TLS certificate.
 */
@KclStack
class ConsumerAppOnAwsIT {
    private static final int ORDERS = 60;

    @Test
    void consumesTheStreamThenOnSigtermHandsItsShardsOverAndExitsZero(AwsStack stack, TestNames names)
            throws Exception {
        // Given a stream of two shards holding 60 orders
        String stream = names.streamName();
        String application = names.applicationName();
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(stream, 2);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey("customer-" + i % 7)
                    .data(SdkBytes.fromString("order-" + i, StandardCharsets.UTF_8))
                    .build());
        }
        Map<String, String> lastSequenceByShard = new HashMap<>();
        for (PutRecordsResultEntry put : admin.put(stream, entries)) {
            lastSequenceByShard.put(put.shardId(), put.sequenceNumber()); // results come in the order put
        }

        try (SampleProcess app = SampleProcess.start(
                "ConsumerApp-aws",
                List.of("-jar", SampleProcess.jar().toString()),
                Map.of(
                        "KCL_STREAM",
                        stream,
                        "KCL_APPLICATION",
                        application,
                        "KCL_INITIAL_POSITION",
                        "TRIM_HORIZON",
                        "KCL_REPORT_SECONDS",
                        "1",
                        "AWS_ENDPOINT_URL_KINESIS",
                        stack.kinesisPlainEndpoint().toString(),
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        stack.dynamoDbEndpoint().toString(),
                        "AWS_ENDPOINT_URL_CLOUDWATCH",
                        stack.cloudWatchEndpoint().toString(),
                        "AWS_REGION",
                        AwsClients.REGION.id(),
                        "AWS_ACCESS_KEY_ID",
                        "kcllocal",
                        "AWS_SECRET_ACCESS_KEY",
                        "kcllocal"))) {
            // When it has processed every order
            app.awaitOutput(
                    "progress line with all " + ORDERS + " orders",
                    output -> output.contains("processed " + ORDERS + " orders"),
                    Duration.ofSeconds(90));
            assertThat(app.output())
                    .contains("consuming " + stream + " as " + application)
                    .contains("polling")
                    .containsPattern("holding \\[shardId-\\d+, shardId-\\d+]");

            // and receives SIGTERM
            app.terminate();

            // Then it hands its shards over and exits within ECS's and Kubernetes' 30 s grace period (128 + SIGTERM)
            int status = app.awaitExit(Duration.ofSeconds(30));
            String output = app.output();
            assertThat(status).as("exit status; output:%n%s", output).isEqualTo(143);
            assertThat(output)
                    .contains("stopping: handing shards over...")
                    .contains("summary: processed " + ORDERS + " orders from 7 customers")
                    .contains("handed every shard over");
        }

        // and its lease table shows every lease released, checkpointed at the shard's last order, and no worker left
        Map<String, Map<String, AttributeValue>> leases = new HashMap<>();
        List<String> others = new ArrayList<>();
        for (Map<String, AttributeValue> item : stack.dynamoDb()
                .scan(b -> b.tableName(application).consistentRead(true))
                .join()
                .items()) {
            String key = item.get("leaseKey").s();
            AttributeValue type = item.get("entityType");
            if (type == null || type.s().equals("LEASE")) {
                leases.put(key, item);
            } else {
                others.add(key + " " + type.s());
            }
        }
        assertThat(leases).hasSize(2);
        assertThat(leases.values())
                .as("leases with an owner after shutdown")
                .noneMatch(item -> item.containsKey("leaseOwner"));
        Map<String, String> checkpoints = leases.entrySet().stream()
                .filter(e -> lastSequenceByShard.containsKey(e.getKey()))
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().get("checkpoint").s()));
        assertThat(checkpoints).isEqualTo(lastSequenceByShard);
        assertThat(others)
                .as("items other than leases (a worker's heartbeat is deleted when it leaves)")
                .noneMatch(item -> item.endsWith(" WORKER"));
    }
}
