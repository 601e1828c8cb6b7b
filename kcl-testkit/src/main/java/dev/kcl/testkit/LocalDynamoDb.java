package dev.kcl.testkit;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A real DynamoDB Local ({@code com.amazonaws:DynamoDBLocal}) running in this JVM as an HTTP server on a free
 * loopback port, in memory, with one database for all credentials and regions ({@code -sharedDb}), so clients in
 * other processes see the same tables.
 *
 * <p>Its sqlite4java native library is found among the resolved dependencies (see {@link SqliteNativeLibrary}).
 * Thread-safe.
 */
public final class LocalDynamoDb implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalDynamoDb.class);
    private static final int START_ATTEMPTS = 3;
    /** sqlite4java logs through java.util.logging ("unknown jar version"); kept here so the level sticks. */
    private static final java.util.logging.Logger SQLITE_LOG =
            java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    private final DynamoDBProxyServer server;
    private final int port;
    private volatile boolean closed;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts DynamoDB Local on a free port. */
    public static LocalDynamoDb start() {
        SqliteNativeLibrary.install(CacheDirectory.get());
        SQLITE_LOG.setLevel(java.util.logging.Level.SEVERE);
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = Ports.freePort();
            DynamoDBProxyServer server = null;
            try {
                server = quietly(() -> ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)}));
                server.start();
                SQLITE_LOG.setLevel(java.util.logging.Level.SEVERE); // DynamoDB Local resets logging as it starts
                LocalDynamoDb dynamoDb = new LocalDynamoDb(server, port);
                log.info("DynamoDB Local ready: {}", dynamoDb.endpoint());
                return dynamoDb;
            } catch (Exception e) { // the server's start() declares Exception
                failures.add("port " + port + ": " + e);
                stopQuietly(server);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start: " + failures);
    }

    /** A call that may throw anything, as DynamoDB Local's do. */
    private interface Call<T> {
        T call() throws Exception;
    }

    /**
     * Runs {@code call} with standard output going to the debug log: DynamoDB Local prints a banner there, which has no
     * place in a test run's or an application's output.
     */
    private static synchronized <T> T quietly(Call<T> call) throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream banner = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(banner, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return call.call();
        } finally {
            System.setOut(out);
            log.debug(
                    "DynamoDB Local says: {}",
                    banner.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
        }
    }

    /** The HTTP endpoint, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A new client for this endpoint. The caller closes it. */
    public DynamoDbAsyncClient newAsyncClient() {
        return AwsClients.dynamoDb(endpoint());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            stopQuietly(server);
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) { // the server's stop() declares Exception
            log.warn("DynamoDB Local did not stop cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "LocalDynamoDb[" + endpoint() + "]";
    }
}
