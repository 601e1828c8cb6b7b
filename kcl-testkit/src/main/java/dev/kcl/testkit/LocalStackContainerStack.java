package dev.kcl.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The stack for machines with Docker: LocalStack's Kinesis and DynamoDB in a container started through
 * Testcontainers (an optional dependency of the kit: add {@code org.testcontainers:testcontainers} to use it), and
 * the kit's recording CloudWatch endpoint, so metric assertions work the same on both stacks.
 *
 * <p>Choose it for a test run with {@code -Dkcl.testkit.stack=localstack} (the {@code localstack} Maven profile does
 * that); without Docker, tests that ask for it are skipped, not failed.
 */
public final class LocalStackContainerStack implements AwsStack {
    /** The LocalStack image used unless {@code kcl.testkit.localstack.image} names another. */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

    private static final Logger log = LoggerFactory.getLogger(LocalStackContainerStack.class);
    private static final int EDGE_PORT = 4566;

    private final GenericContainer<?> container;
    private final LocalCloudWatch localCloudWatch;
    private final URI endpoint;
    private final KinesisAsyncClient kinesis;
    private final KinesisAsyncClient kinesisHttp1;
    private final DynamoDbAsyncClient dynamoDb;
    private final CloudWatchAsyncClient cloudWatch;

    private LocalStackContainerStack(GenericContainer<?> container, LocalCloudWatch localCloudWatch) {
        this.container = container;
        this.localCloudWatch = localCloudWatch;
        this.endpoint = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(EDGE_PORT));
        this.kinesis = AwsClients.kinesisHttp2(kinesisEndpoint());
        this.kinesisHttp1 = AwsClients.kinesisHttp1(endpoint);
        this.dynamoDb = AwsClients.dynamoDb(endpoint);
        this.cloudWatch = localCloudWatch.newAsyncClient();
    }

    /** True when Testcontainers is on the class path and finds a Docker engine. */
    public static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (NoClassDefFoundError | RuntimeException e) {
            return false;
        }
    }

    /** Starts LocalStack from {@code image} and the recording CloudWatch endpoint. */
    public static LocalStackContainerStack start(String image) {
        Objects.requireNonNull(image, "image");
        if (!isDockerAvailable()) {
            throw new IllegalStateException("LocalStack needs Docker and Testcontainers; neither a Docker engine nor "
                    + "org.testcontainers:testcontainers was found. Use EmbeddedStack instead.");
        }
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(EDGE_PORT)
                .withEnv("SERVICES", "kinesis,dynamodb")
                .withEnv("KINESIS_LATENCY", "0")
                .waitingFor(Wait.forHttp("/_localstack/health").forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3));
        container.start();
        LocalCloudWatch cloudWatch = LocalCloudWatch.start();
        LocalStackContainerStack stack = new LocalStackContainerStack(container, cloudWatch);
        log.info("LocalStack ready: {}", stack.endpoint);
        return stack;
    }

    @Override
    public String name() {
        return "localstack";
    }

    /** LocalStack serves TLS and HTTP/2 on the same edge port. */
    @Override
    public URI kinesisEndpoint() {
        return URI.create("https://" + endpoint.getHost() + ":" + endpoint.getPort());
    }

    @Override
    public URI kinesisPlainEndpoint() {
        return endpoint;
    }

    @Override
    public URI dynamoDbEndpoint() {
        return endpoint;
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
        EmbeddedStack.closeQuietly(kinesis);
        EmbeddedStack.closeQuietly(kinesisHttp1);
        EmbeddedStack.closeQuietly(dynamoDb);
        EmbeddedStack.closeQuietly(cloudWatch);
        EmbeddedStack.closeQuietly(localCloudWatch);
        container.stop();
    }
}
