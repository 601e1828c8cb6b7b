package dev.kcl.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A real local Kinesis: kinesis-mock from the npm package {@code kinesis-local}, run with the machine's {@code node}
 * on two free loopback ports, one plain HTTP and one TLS (the TLS port carries HTTP/2 for {@code SubscribeToShard}).
 *
 * <pre>{@code
 * try (LocalKinesis kinesis = LocalKinesis.builder().reshardDuration(Duration.ofMillis(100)).start();
 *      KinesisAsyncClient client = kinesis.newAsyncClient()) {
 *     client.createStream(b -> b.streamName("orders").shardCount(4)).join();
 * }
 * }</pre>
 *
 * <p>The package is installed on first use into the {@linkplain CacheDirectory cache directory}. The process is
 * stopped by {@link #close()}, by a shutdown hook, and, if this JVM is killed, by itself when its standard input
 * closes. Thread-safe.
 */
public final class LocalKinesis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKinesis.class);
    private static final int START_ATTEMPTS = 3;

    private final ManagedProcess process;
    private final int plainPort;
    private final int tlsPort;

    private LocalKinesis(ManagedProcess process, int plainPort, int tlsPort) {
        this.process = process;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
    }

    /** Starts a local Kinesis with the default settings. */
    public static LocalKinesis start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Plain HTTP endpoint ({@code http://127.0.0.1:<port>}): HTTP/1.1, or HTTP/2 with prior knowledge. */
    public URI plainEndpoint() {
        return URI.create("http://127.0.0.1:" + plainPort);
    }

    /** TLS endpoint ({@code https://127.0.0.1:<port>}) with a self-signed certificate; HTTP/2 through ALPN. */
    public URI tlsEndpoint() {
        return URI.create("https://127.0.0.1:" + tlsPort);
    }

    /** A new client over HTTP/2 to the TLS endpoint, as enhanced fan-out needs. The caller closes it. */
    public KinesisAsyncClient newAsyncClient() {
        return AwsClients.kinesisHttp2(tlsEndpoint());
    }

    /** A new client over plain HTTP/1.1, the cheapest way to poll. The caller closes it. */
    public KinesisAsyncClient newHttp1AsyncClient() {
        return AwsClients.kinesisHttp1(plainEndpoint());
    }

    /** Process id of the emulator, so tests can check it is gone after {@link #close()}. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The emulator's log file. */
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "LocalKinesis[" + plainEndpoint() + ", " + tlsEndpoint() + ", pid " + process.pid() + "]";
    }

    /** Settings of the emulator. Every setting has the emulator's default unless noted. */
    public static final class Builder {
        private String version = KinesisMockInstallation.VERSION;
        private Path cacheDirectory;
        private int shardLimit = 500;
        private int onDemandStreamCountLimit = 10;
        private Duration createStreamDuration = Duration.ofMillis(500);
        private Duration deleteStreamDuration = Duration.ofMillis(500);
        private Duration reshardDuration = Duration.ofMillis(500);
        private Duration registerConsumerDuration = Duration.ofMillis(500);
        private String logLevel = "WARN";
        private int maxOldSpaceMb = 2048;
        private String accountId = "000000000000";
        private String region = AwsClients.REGION.id();
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder() {}

        /** Version of the npm package {@code kinesis-local}. Default {@value KinesisMockInstallation#VERSION}. */
        public Builder version(String version) {
            this.version = requireNonBlank(version, "version");
            return this;
        }

        /** Where the package is installed and logs are written. Default: {@link CacheDirectory#get()}. */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
            return this;
        }

        /**
         * Total open shards the emulator allows ({@code SHARD_LIMIT}). Default 500, AWS's default quota in us-east-1:
         * a test suite that creates many streams on one stack needs the room.
         */
        public Builder shardLimit(int shardLimit) {
            this.shardLimit = requirePositive(shardLimit, "shardLimit");
            return this;
        }

        /** On-demand streams the emulator allows ({@code ON_DEMAND_STREAM_COUNT_LIMIT}). Default 10. */
        public Builder onDemandStreamCountLimit(int limit) {
            this.onDemandStreamCountLimit = requirePositive(limit, "onDemandStreamCountLimit");
            return this;
        }

        /** Time a new stream stays CREATING ({@code CREATE_STREAM_DURATION}). Default 500 ms. */
        public Builder createStreamDuration(Duration duration) {
            this.createStreamDuration = requireNonNegative(duration, "createStreamDuration");
            return this;
        }

        /** Time a deleted stream stays DELETING ({@code DELETE_STREAM_DURATION}). Default 500 ms. */
        public Builder deleteStreamDuration(Duration duration) {
            this.deleteStreamDuration = requireNonNegative(duration, "deleteStreamDuration");
            return this;
        }

        /**
         * Time a stream stays UPDATING after SplitShard, MergeShards or UpdateShardCount ({@code SPLIT_SHARD_DURATION},
         * {@code MERGE_SHARDS_DURATION}, {@code UPDATE_SHARD_COUNT_DURATION}). Default 500 ms.
         */
        public Builder reshardDuration(Duration duration) {
            this.reshardDuration = requireNonNegative(duration, "reshardDuration");
            return this;
        }

        /** Time a new stream consumer stays CREATING ({@code REGISTER_STREAM_CONSUMER_DURATION}). Default 500 ms. */
        public Builder registerConsumerDuration(Duration duration) {
            this.registerConsumerDuration = requireNonNegative(duration, "registerConsumerDuration");
            return this;
        }

        /**
         * The emulator's log level ({@code LOG_LEVEL}). Default {@code WARN}: at {@code INFO} it logs a line per
         * request, which costs real CPU.
         */
        public Builder logLevel(String logLevel) {
            this.logLevel = requireNonBlank(logLevel, "logLevel");
            return this;
        }

        /** Heap limit of the node process in MiB ({@code --max-old-space-size}). Default 2048. */
        public Builder maxOldSpaceMb(int megabytes) {
            this.maxOldSpaceMb = requirePositive(megabytes, "maxOldSpaceMb");
            return this;
        }

        /** Account the streams belong to ({@code AWS_ACCOUNT_ID}). Default {@code 000000000000}. */
        public Builder accountId(String accountId) {
            this.accountId = requireNonBlank(accountId, "accountId");
            return this;
        }

        /** Region of the streams ({@code AWS_REGION}). Default {@code us-east-1}, as the kit's clients use. */
        public Builder region(String region) {
            this.region = requireNonBlank(region, "region");
            return this;
        }

        /** How long to wait for the emulator to answer. Default 60 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = requirePositiveDuration(timeout, "startTimeout");
            return this;
        }

        /** Any other environment variable the emulator reads, for example {@code INITIALIZE_STREAMS}. */
        public Builder environment(String name, String value) {
            environment.put(requireNonBlank(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Installs the emulator if needed, starts it, and waits until it answers. */
        public LocalKinesis start() {
            Path cache = cacheDirectory != null ? cacheDirectory : CacheDirectory.get();
            KinesisMockInstallation installation = KinesisMockInstallation.ensureInstalled(cache, version);
            Path watchdog = writeWatchdog(cache);
            List<String> failures = new ArrayList<>();
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int plain = Ports.freePort();
                int tls = Ports.freePort();
                while (tls == plain) {
                    tls = Ports.freePort();
                }
                ManagedProcess process = launch(installation, watchdog, cache, plain, tls);
                try {
                    awaitReady(process, plain, tls);
                    LocalKinesis kinesis = new LocalKinesis(process, plain, tls);
                    log.info("local Kinesis (kinesis-local {}) ready: {}", version, kinesis);
                    return kinesis;
                } catch (RuntimeException e) {
                    String tail = process.logTail(30);
                    process.close();
                    failures.add("attempt " + attempt + ": " + e.getMessage() + System.lineSeparator() + tail);
                    if (!tail.contains("EADDRINUSE")) {
                        break; // only a lost port race is worth another try
                    }
                }
            }
            throw new IllegalStateException("the local Kinesis did not start:" + System.lineSeparator()
                    + String.join(System.lineSeparator(), failures));
        }

        private ManagedProcess launch(
                KinesisMockInstallation installation, Path watchdog, Path cache, int plain, int tls) {
            ProcessBuilder builder = new ProcessBuilder(
                            KinesisMockInstallation.node(),
                            "--max-old-space-size=" + maxOldSpaceMb,
                            "--require",
                            watchdog.toString(),
                            installation.mainScript().toString())
                    .directory(installation.directory().toFile());
            Map<String, String> env = builder.environment();
            env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plain));
            env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tls));
            env.put("SHARD_LIMIT", Integer.toString(shardLimit));
            env.put("ON_DEMAND_STREAM_COUNT_LIMIT", Integer.toString(onDemandStreamCountLimit));
            env.put("CREATE_STREAM_DURATION", millis(createStreamDuration));
            env.put("DELETE_STREAM_DURATION", millis(deleteStreamDuration));
            env.put("SPLIT_SHARD_DURATION", millis(reshardDuration));
            env.put("MERGE_SHARDS_DURATION", millis(reshardDuration));
            env.put("UPDATE_SHARD_COUNT_DURATION", millis(reshardDuration));
            env.put("REGISTER_STREAM_CONSUMER_DURATION", millis(registerConsumerDuration));
            env.put("DEREGISTER_STREAM_CONSUMER_DURATION", millis(registerConsumerDuration));
            env.put("LOG_LEVEL", logLevel);
            env.put("AWS_ACCOUNT_ID", accountId);
            env.put("AWS_REGION", region);
            env.put("SHOULD_PERSIST_DATA", "false");
            env.put("LOAD_DATA_IF_EXISTS", "false");
            env.putAll(environment);
            Path logFile = cache.resolve("logs").resolve("kinesis-local-" + plain + ".log");
            return ManagedProcess.start("kinesis-local " + version, builder, logFile);
        }

        private void awaitReady(ManagedProcess process, int plain, int tls) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/"))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            Polling.until("kinesis-local to answer on port " + plain, startTimeout, Duration.ofMillis(100), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kinesis-local exited during start-up");
                }
                return answers(http, probe) && Ports.isListening(tls);
            });
        }

        private static boolean answers(HttpClient http, HttpRequest probe) {
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return true; // any answer, even an error about a missing signature, means it is up
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting kinesis-local", e);
            }
        }

        private static Path writeWatchdog(Path cache) {
            Path target = cache.resolve("parent-watchdog.js");
            try (InputStream in = LocalKinesis.class.getResourceAsStream("parent-watchdog.js")) {
                if (in == null) {
                    throw new IllegalStateException("parent-watchdog.js is missing from the kcl-testkit jar");
                }
                Path temp = Files.createTempFile(cache, "parent-watchdog", ".js");
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        private static String millis(Duration duration) {
            return duration.toMillis() + "ms";
        }
    }

    static String requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    static int requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    static Duration requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    static Duration requirePositiveDuration(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
