package dev.kcl.fanout;

import dev.kcl.testkit.AwsClients;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Kinesis clients for the fan-out tests, built as the docs tell users to: from {@link FanOut#httpClientBuilder(int)},
 * plus what the local emulator needs (HTTP/2 negotiated with ALPN, trust in its self-signed certificate).
 */
final class FanOutClients {
    private FanOutClients() {}

    /** A client over HTTP/2 to a TLS endpoint, with the builder's defaults. The caller closes it. */
    static KinesisAsyncClient tls(URI endpoint, int maxShards) {
        return build(endpoint, FanOut.httpClientBuilder(maxShards));
    }

    /** The same with a shorter read timeout, so a dead connection is noticed within a test. */
    static KinesisAsyncClient tls(URI endpoint, int maxShards, Duration readTimeout) {
        return build(endpoint, FanOut.httpClientBuilder(maxShards).readTimeout(readTimeout));
    }

    private static KinesisAsyncClient build(URI endpoint, NettyNioAsyncHttpClient.Builder http) {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(AwsClients.REGION)
                .credentialsProvider(AwsClients.credentials())
                .httpClient(http.protocolNegotiation(ProtocolNegotiation.ALPN)
                        .buildWithDefaults(AttributeMap.builder()
                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                                .build()))
                .build();
    }
}
