package dev.kcl.testkit;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The stack without Docker: {@link LocalKinesis}, {@link LocalDynamoDb} and {@link LocalCloudWatch}, started in
 * parallel. Thread-safe.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start()) {
 *     stack.kinesis().createStream(b -> b.streamName("orders").shardCount(4)).join();
 * }
 * }</pre>
 */
public final class EmbeddedStack implements AwsStack {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    private final LocalKinesis localKinesis;
    private final LocalDynamoDb localDynamoDb;
    private final LocalCloudWatch localCloudWatch;
    private final KinesisAsyncClient kinesis;
    private final KinesisAsyncClient kinesisHttp1;
    private final DynamoDbAsyncClient dynamoDb;
    private final CloudWatchAsyncClient cloudWatch;

    private EmbeddedStack(LocalKinesis localKinesis, LocalDynamoDb localDynamoDb, LocalCloudWatch localCloudWatch) {
        this.localKinesis = localKinesis;
        this.localDynamoDb = localDynamoDb;
        this.localCloudWatch = localCloudWatch;
        this.kinesis = localKinesis.newAsyncClient();
        this.kinesisHttp1 = localKinesis.newHttp1AsyncClient();
        this.dynamoDb = localDynamoDb.newAsyncClient();
        this.cloudWatch = localCloudWatch.newAsyncClient();
    }

    /** Starts all three services with their default settings. */
    public static EmbeddedStack start() {
        return start(LocalKinesis.builder());
    }

    /** Starts all three services, the local Kinesis with {@code kinesis}'s settings. */
    public static EmbeddedStack start(LocalKinesis.Builder kinesis) {
        Objects.requireNonNull(kinesis, "kinesis");
        long started = Polling.nanoTime();
        // node takes a few seconds to come up; start DynamoDB Local and CloudWatch meanwhile.
        CompletableFuture<LocalKinesis> kinesisStart = CompletableFuture.supplyAsync(kinesis::start);
        List<AutoCloseable> startedServices = new ArrayList<>();
        try {
            LocalDynamoDb dynamoDb = LocalDynamoDb.start();
            startedServices.add(dynamoDb);
            LocalCloudWatch cloudWatch = LocalCloudWatch.start();
            startedServices.add(cloudWatch);
            LocalKinesis localKinesis = kinesisStart.join();
            startedServices.add(localKinesis);
            EmbeddedStack stack = new EmbeddedStack(localKinesis, dynamoDb, cloudWatch);
            log.info("embedded stack ready in {} ms", (Polling.nanoTime() - started) / 1_000_000);
            return stack;
        } catch (RuntimeException e) {
            kinesisStart.thenAccept(LocalKinesis::close);
            startedServices.forEach(EmbeddedStack::closeQuietly);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    @Override
    public String name() {
        return "embedded";
    }

    /** The local Kinesis process. */
    public LocalKinesis localKinesis() {
        return localKinesis;
    }

    /** The in-process DynamoDB Local. */
    public LocalDynamoDb localDynamoDb() {
        return localDynamoDb;
    }

    @Override
    public URI kinesisEndpoint() {
        return localKinesis.tlsEndpoint();
    }

    @Override
    public URI kinesisPlainEndpoint() {
        return localKinesis.plainEndpoint();
    }

    @Override
    public URI dynamoDbEndpoint() {
        return localDynamoDb.endpoint();
    }

    @Override
    public URI cloudWatchEndpoint() {
        return localCloudWatch.endpoint();
    }

    @Override
    public KinesisAsyncClient kinesis() {
        return kinesis;
    }

    @Override
    public KinesisAsyncClient kinesisHttp1() {
        return kinesisHttp1;
    }

    @Override
    public DynamoDbAsyncClient dynamoDb() {
        return dynamoDb;
    }

    @Override
    public CloudWatchAsyncClient cloudWatch() {
        return cloudWatch;
    }

    @Override
    public LocalCloudWatch metrics() {
        return localCloudWatch;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable :
                List.of(kinesis, kinesisHttp1, dynamoDb, cloudWatch, localKinesis, localDynamoDb, localCloudWatch)) {
            closeQuietly(closeable);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) { // AutoCloseable.close() declares Exception
            log.warn("failed to close {}", closeable, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedStack[" + localKinesis + ", " + localDynamoDb + ", " + localCloudWatch.endpoint() + "]";
    }
}
