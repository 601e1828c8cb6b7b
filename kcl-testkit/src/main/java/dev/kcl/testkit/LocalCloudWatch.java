package dev.kcl.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * A local HTTP endpoint that the real {@code CloudWatchAsyncClient} can be pointed at. It accepts
 * {@code PutMetricData} in every protocol CloudWatch speaks (Smithy RPC v2 CBOR, AWS JSON 1.0, AWS query; gzip
 * request compression included), answers as CloudWatch would, and keeps the decoded calls for assertions.
 *
 * <p>It can also fail the next requests with HTTP 500, to test a publisher's retries and its behaviour while
 * CloudWatch is down. Other operations are answered with HTTP 400. Thread-safe.
 */
public final class LocalCloudWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalCloudWatch.class);
    private static final String SERVICE = "GraniteServiceVersion20100801";
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One {@code PutMetricData} call as received.
     *
     * @param bodyBytes the size of the request body, uncompressed (CloudWatch accepts at most 1 MB)
     */
    public record PutMetricDataCall(String protocol, boolean compressed, int bodyBytes, List<MetricDatum> data) {
        public PutMetricDataCall {
            data = List.copyOf(data);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<PutMetricDataCall> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private final AtomicInteger failedRequests = new AtomicInteger();

    private LocalCloudWatch(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the endpoint on a free loopback port. */
    public static LocalCloudWatch start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "kcl-testkit-cloudwatch");
                thread.setDaemon(true);
                return thread;
            });
            LocalCloudWatch cloudWatch = new LocalCloudWatch(server, executor);
            server.createContext("/", cloudWatch::handle);
            server.setExecutor(executor);
            server.start();
            log.info("local CloudWatch endpoint ready: {}", cloudWatch.endpoint());
            return cloudWatch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local CloudWatch endpoint", e);
        }
    }

    /** The endpoint, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A new client for this endpoint. The caller closes it. */
    public CloudWatchAsyncClient newAsyncClient() {
        return AwsClients.cloudWatch(endpoint());
    }

    /** Every successful {@code PutMetricData} call so far, oldest first. */
    public List<PutMetricDataCall> calls() {
        return List.copyOf(calls);
    }

    /** Every datum received so far, in arrival order. */
    public List<MetricDatum> metrics() {
        List<MetricDatum> all = new ArrayList<>();
        calls.forEach(call -> all.addAll(call.data()));
        return all;
    }

    /** The data received for one metric name, in arrival order. */
    public List<MetricDatum> metrics(String metricName) {
        return metrics().stream().filter(d -> d.metricName().equals(metricName)).toList();
    }

    /** Forgets the calls received so far. */
    public void clear() {
        calls.clear();
    }

    /** Answers the next {@code count} requests with HTTP 500, as CloudWatch does on an internal failure. */
    public void failNextRequests(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        failuresToInject.set(count);
    }

    /** How many requests were answered with an injected failure. */
    public int failedRequests() {
        return failedRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Protocol protocol = Protocol.of(exchange);
            byte[] body = readBody(exchange);
            if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failedRequests.incrementAndGet();
                protocol.respondError(exchange, 500, "InternalServiceFault", "injected failure");
                return;
            }
            Optional<String> operation = protocol.operation(exchange, body);
            if (operation.isEmpty() || !operation.get().equals("PutMetricData")) {
                protocol.respondError(
                        exchange,
                        400,
                        "InvalidAction",
                        "the local CloudWatch endpoint accepts only PutMetricData, not " + operation.orElse("?"));
                return;
            }
            List<MetricDatum> data;
            try {
                data = protocol.decode(body);
            } catch (RuntimeException e) {
                log.warn("undecodable PutMetricData ({}): {}", protocol, e.toString());
                protocol.respondError(exchange, 400, "InvalidParameterValue", String.valueOf(e.getMessage()));
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            calls.add(new PutMetricDataCall(
                    protocol.name, encoding != null && encoding.contains("gzip"), body.length, data));
            protocol.respondOk(exchange);
        } catch (RuntimeException e) {
            log.warn("local CloudWatch failed to handle a request", e);
            throw e;
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    /** The three wire protocols, each with how to find the operation, decode, and answer. */
    private enum Protocol {
        RPC_V2_CBOR("rpc-v2-cbor"),
        JSON_1_0("awsJson1_0"),
        QUERY("awsQuery");

        private final String name;

        Protocol(String name) {
            this.name = name;
        }

        static Protocol of(HttpExchange exchange) {
            var headers = exchange.getRequestHeaders();
            if (headers.containsKey("smithy-protocol")
                    || exchange.getRequestURI().getPath().startsWith("/service/")) {
                return RPC_V2_CBOR;
            }
            if (headers.containsKey("X-Amz-Target")) {
                return JSON_1_0;
            }
            return QUERY;
        }

        Optional<String> operation(HttpExchange exchange, byte[] body) {
            switch (this) {
                case RPC_V2_CBOR: {
                    String path = exchange.getRequestURI().getPath();
                    String prefix = "/service/" + SERVICE + "/operation/";
                    return path.startsWith(prefix) ? Optional.of(path.substring(prefix.length())) : Optional.empty();
                }
                case JSON_1_0: {
                    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                    int dot = target.lastIndexOf('.');
                    return Optional.of(dot < 0 ? target : target.substring(dot + 1));
                }
                default:
                    return Optional.ofNullable(PutMetricDataDecoder.queryTree(new String(body, StandardCharsets.UTF_8))
                            .path("Action")
                            .textValue());
            }
        }

        List<MetricDatum> decode(byte[] body) {
            switch (this) {
                case RPC_V2_CBOR:
                    return PutMetricDataDecoder.fromCbor(body);
                case JSON_1_0:
                    return PutMetricDataDecoder.fromJson(body);
                default:
                    return PutMetricDataDecoder.fromQuery(new String(body, StandardCharsets.UTF_8));
            }
        }

        void respondOk(HttpExchange exchange) throws IOException {
            switch (this) {
                case RPC_V2_CBOR:
                    exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
                    respond(exchange, 200, "application/cbor", new byte[] {(byte) 0xA0}); // an empty CBOR map
                    break;
                case JSON_1_0:
                    respond(exchange, 200, "application/x-amz-json-1.0", "{}".getBytes(StandardCharsets.UTF_8));
                    break;
                default:
                    respond(
                            exchange,
                            200,
                            "text/xml",
                            ("<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws"
                                            + ".com/doc/2010-08-01/\"><ResponseMetadata><RequestId>" + UUID.randomUUID()
                                            + "</RequestId></ResponseMetadata></PutMetricDataResponse>")
                                    .getBytes(StandardCharsets.UTF_8));
            }
        }

        void respondError(HttpExchange exchange, int status, String code, String message) throws IOException {
            exchange.getResponseHeaders().add("x-amzn-query-error", code + (status >= 500 ? ";Receiver" : ";Sender"));
            switch (this) {
                case RPC_V2_CBOR: {
                    exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
                    byte[] bytes = CBOR.writeValueAsBytes(Map.of("__type", code, "message", message));
                    respond(exchange, status, "application/cbor", bytes);
                    break;
                }
                case JSON_1_0: {
                    byte[] bytes = JSON.writeValueAsBytes(Map.of("__type", code, "message", message));
                    respond(exchange, status, "application/x-amz-json-1.0", bytes);
                    break;
                }
                default: {
                    String xml = "<ErrorResponse><Error><Type>" + (status >= 500 ? "Receiver" : "Sender")
                            + "</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error>"
                            + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
                    respond(exchange, status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
                throws IOException {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.getResponseHeaders()
                    .add("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
