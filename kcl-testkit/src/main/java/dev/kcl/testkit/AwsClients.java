package dev.kcl.testkit;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * AWS SDK v2 async clients configured for local endpoints: static credentials, region {@code us-east-1}, and for
 * TLS endpoints trust in self-signed certificates. Each call builds a new client that the caller closes.
 */
public final class AwsClients {
    /** The region every local service and client of the kit uses. */
    public static final Region REGION = Region.US_EAST_1;

    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("kcllocal", "kcllocal"));

    private AwsClients() {}

    /** Credentials the local services accept (any would do). */
    public static AwsCredentialsProvider credentials() {
        return CREDENTIALS;
    }

    /**
     * Kinesis over HTTP/2 negotiated with ALPN on a TLS endpoint, trusting a self-signed certificate: what
     * {@code SubscribeToShard} needs.
     */
    public static KinesisAsyncClient kinesisHttp2(URI tlsEndpoint) {
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP2)
                .protocolNegotiation(ProtocolNegotiation.ALPN)
                .maxConcurrency(1000)
                .connectionTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(60))
                .buildWithDefaults(trustAll());
        return KinesisAsyncClient.builder()
                .endpointOverride(tlsEndpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .build();
    }

    /** Kinesis over HTTP/1.1 (plain or TLS endpoint). */
    public static KinesisAsyncClient kinesisHttp1(URI endpoint) {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http1())
                .build();
    }

    /** DynamoDB over HTTP/1.1. */
    public static DynamoDbAsyncClient dynamoDb(URI endpoint) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http1())
                .build();
    }

    /** CloudWatch over HTTP/1.1. */
    public static CloudWatchAsyncClient cloudWatch(URI endpoint) {
        return CloudWatchAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http1())
                .build();
    }

    private static SdkAsyncHttpClient http1() {
        return NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .maxConcurrency(200)
                .connectionTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(60))
                .buildWithDefaults(trustAll());
    }

    private static AttributeMap trustAll() {
        return AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                .build();
    }
}
