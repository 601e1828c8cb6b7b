package dev.kcl.cli;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The AWS clients a command uses, and a description of where they point, for error messages. */
interface Clients extends AutoCloseable {
    KinesisAsyncClient kinesis();

    DynamoDbAsyncClient dynamoDb();

    /** Where the clients point: a region or endpoints, as the user gave them. */
    String where();

    @Override
    void close();

    /**
     * Clients from the command line: {@code --region} (else the SDK's region chain), {@code --kinesis-endpoint} and
     * {@code --dynamodb-endpoint} (for a local stack), credentials from the SDK's default chain.
     */
    static Clients from(Args args) {
        Optional<Region> region = args.value("region").map(Region::of);
        Optional<URI> kinesisEndpoint = args.value("kinesis-endpoint").map(v -> endpoint("kinesis-endpoint", v));
        Optional<URI> dynamoEndpoint = args.value("dynamodb-endpoint").map(v -> endpoint("dynamodb-endpoint", v));
        String where = region.map(r -> "region " + r.id()).orElse("the default region")
                + kinesisEndpoint.map(e -> ", Kinesis at " + e).orElse("")
                + dynamoEndpoint.map(e -> ", DynamoDB at " + e).orElse("");
        return new Clients() {
            private KinesisAsyncClient kinesis;
            private DynamoDbAsyncClient dynamo;

            @Override
            public synchronized KinesisAsyncClient kinesis() {
                if (kinesis == null) {
                    var builder = KinesisAsyncClient.builder()
                            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
                    region.ifPresent(builder::region);
                    kinesisEndpoint.ifPresent(builder::endpointOverride);
                    kinesis = builder.build();
                }
                return kinesis;
            }

            @Override
            public synchronized DynamoDbAsyncClient dynamoDb() {
                if (dynamo == null) {
                    var builder = DynamoDbAsyncClient.builder();
                    region.ifPresent(builder::region);
                    dynamoEndpoint.ifPresent(builder::endpointOverride);
                    dynamo = builder.build();
                }
                return dynamo;
            }

            @Override
            public String where() {
                return where;
            }

            @Override
            public synchronized void close() {
                if (kinesis != null) {
                    kinesis.close();
                }
                if (dynamo != null) {
                    dynamo.close();
                }
            }
        };
    }

    /** Checks the connection options, so a malformed one is a usage error before anything runs. */
    static void check(Args args) {
        args.value("kinesis-endpoint").ifPresent(v -> endpoint("kinesis-endpoint", v));
        args.value("dynamodb-endpoint").ifPresent(v -> endpoint("dynamodb-endpoint", v));
    }

    /** Clients made on first use: a command that fails on its arguments never builds any. */
    static Clients lazy(java.util.function.Supplier<Clients> factory) {
        return new Clients() {
            private Clients made;

            private synchronized Clients made() {
                if (made == null) {
                    made = factory.get();
                }
                return made;
            }

            @Override
            public KinesisAsyncClient kinesis() {
                return made().kinesis();
            }

            @Override
            public DynamoDbAsyncClient dynamoDb() {
                return made().dynamoDb();
            }

            @Override
            public String where() {
                return made().where();
            }

            @Override
            public synchronized void close() {
                if (made != null) {
                    made.close();
                }
            }
        };
    }

    private static URI endpoint(String option, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    "--" + option + " must be a URL such as http://localhost:4567, was '" + value + "'");
        }
    }
}
