package dev.kcl.fanout;

import dev.kcl.Retrieval;
import java.time.Duration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.Http2Configuration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Enhanced fan-out: each shard is pushed to the worker over HTTP/2 ({@code SubscribeToShard}) with its own
 * 2 MB/s of read throughput per consumer, instead of being polled.
 *
 * <pre>{@code
 * KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
 *         .httpClientBuilder(FanOut.httpClientBuilder(64))   // shards this worker may hold
 *         .build();
 * Worker worker = Worker.builder()
 *         ...
 *         .kinesis(kinesis)
 *         .retrieval(FanOut.retrieval("orders-app"))
 *         .build();
 * }</pre>
 *
 * The consumer is registered (or found) when the worker starts and is never deregistered automatically, since other
 * workers of the application share it; {@link #deregister} removes it when the application is retired.
 */
public final class FanOut {
    private FanOut() {}

    /** Fan-out as the stream consumer {@code consumerName}, with the default {@link FanOutConfig}. */
    public static Retrieval retrieval(String consumerName) {
        return retrieval(FanOutConfig.builder(consumerName).build());
    }

    public static Retrieval retrieval(FanOutConfig config) {
        return new FanOutRetrieval(config);
    }

    /**
     * Deregisters the stream consumer, for cleaning up a retired application. A consumer that is not registered is not
     * an error: nothing happens. Do not call it while workers use the consumer: they register it again.
     *
     * @throws dev.kcl.KclException if the call fails for another reason (a missing permission, a timeout)
     */
    public static void deregister(KinesisAsyncClient kinesis, String streamArn, String consumerName) {
        ConsumerRegistration.deregister(kinesis, streamArn, consumerName);
    }

    /**
     * A Netty client configured for fan-out: HTTP/2; at least two streams per shard the worker may hold (a
     * subscription and its renewal overlap briefly) and never fewer than 50; a 2-minute read timeout, since events can
     * be seconds apart; HTTP/2 PING health checks every 10 s, so a dead connection is noticed; 10 s to connect.
     *
     * @param maxShards the most shards one worker may hold
     */
    public static NettyNioAsyncHttpClient.Builder httpClientBuilder(int maxShards) {
        if (maxShards < 1) {
            throw new IllegalArgumentException("maxShards must be at least 1, was " + maxShards);
        }
        return NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP2)
                .maxConcurrency(Math.max(50, 2 * maxShards))
                .maxPendingConnectionAcquires(10_000)
                .connectionTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofMinutes(2))
                .http2Configuration(Http2Configuration.builder()
                        .maxStreams(100L)
                        .healthCheckPingPeriod(Duration.ofSeconds(10))
                        .build());
    }
}
