package dev.kcl.testkit;

import java.net.URI;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Kinesis, DynamoDB and CloudWatch endpoints for tests and samples, with ready-made clients.
 *
 * <p>Two implementations: {@link EmbeddedStack} (no Docker: kinesis-mock under node, DynamoDB Local in this JVM, the
 * kit's recording CloudWatch endpoint) and {@link LocalStackContainerStack} (LocalStack in Docker through
 * Testcontainers, with the same recording CloudWatch endpoint). The clients belong to the stack: callers must not
 * close them; {@link #close()} does.
 */
public interface AwsStack extends AutoCloseable {
    /** Short name for logs: {@code embedded} or {@code localstack}. */
    String name();

    /** Kinesis endpoint for HTTP/2 (TLS, ALPN), as enhanced fan-out needs. */
    URI kinesisEndpoint();

    /** Kinesis endpoint for plain HTTP/1.1. */
    URI kinesisPlainEndpoint();

    URI dynamoDbEndpoint();

    URI cloudWatchEndpoint();

    /** Kinesis over HTTP/2 to {@link #kinesisEndpoint()}. Owned by the stack. */
    KinesisAsyncClient kinesis();

    /** Kinesis over HTTP/1.1 to {@link #kinesisPlainEndpoint()}. Owned by the stack. */
    KinesisAsyncClient kinesisHttp1();

    /** Owned by the stack. */
    DynamoDbAsyncClient dynamoDb();

    /** Owned by the stack. */
    CloudWatchAsyncClient cloudWatch();

    /** The recording CloudWatch endpoint behind {@link #cloudWatch()}, to assert on published metrics. */
    LocalCloudWatch metrics();

    /** Stops the services the stack started and closes its clients. */
    @Override
    void close();
}
