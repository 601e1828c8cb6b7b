package dev.kcl.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of one local service that injects the faults real networks have: added latency, connections
 * reset, a black hole that swallows everything, and (for plain HTTP/1.1 services) canned error responses such as
 * HTTP 500 or DynamoDB throttling. Give one worker's clients the proxy's {@link #endpoint()} and change its
 * {@link Fault} while it runs; other workers keep talking to the service directly.
 *
 * <p>Faults apply to new bytes on open connections as well as to new connections, as on a real network; switching
 * to {@link Fault#RESET} also resets every open connection at once.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    /** What the proxy does with traffic. */
    public enum Fault {
        /** Forwards everything unchanged. */
        NONE,
        /** Forwards everything after {@link #latency(Duration)} per chunk. */
        LATENCY,
        /**
         * A network partition: accepts connections and bytes but forwards nothing and answers nothing until healed;
         * then what was held back goes through, as TCP's retransmissions would deliver it (unless the client gave up
         * on the call meanwhile).
         */
        BLACK_HOLE,
        /** Resets open connections and every new one at once. */
        RESET,
        /** Answers each request with the response set by {@link #respond(int, String, String)}, then closes. */
        RESPOND
    }

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong forwardedBytes = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile Duration latency = Duration.ZERO;
    private volatile byte[] response = new byte[0];
    private volatile boolean closed;

    private FaultProxy(String name, URI target) throws IOException {
        this.name = name;
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger counter = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free loopback port in front of {@code target} (an {@code http://host:port} endpoint).
     *
     * @param name for thread names and logs, such as {@code "dynamodb-w1"}
     */
    public static FaultProxy start(String name, URI target) {
        try {
            return new FaultProxy(name, target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a port for fault proxy " + name, e);
        }
    }

    /** The proxy's endpoint, with the target's scheme. */
    public URI endpoint() {
        return URI.create("http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
    }

    /** Forwards everything unchanged from now on. */
    public FaultProxy heal() {
        return set(Fault.NONE);
    }

    /** Delays each chunk of bytes, in both directions, by {@code delay}. */
    public FaultProxy latency(Duration delay) {
        this.latency = delay;
        return set(Fault.LATENCY);
    }

    /** Holds everything back: calls hang until healed, or until the client's own timeouts end them. */
    public FaultProxy blackHole() {
        return set(Fault.BLACK_HOLE);
    }

    /** Resets every open connection and every new one. */
    public FaultProxy reset() {
        set(Fault.RESET);
        for (Socket socket : open) {
            abort(socket);
        }
        return this;
    }

    /**
     * Answers every request with this HTTP/1.1 response and closes the connection, as an overloaded or failing service
     * does: {@code respond(500, "application/x-amz-json-1.1", "{}")}, or DynamoDB throttling with status 400 and
     * {@code {"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}}.
     */
    public FaultProxy respond(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " Injected\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + bytes.length + "\r\nx-amzn-RequestId: fault-proxy\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        this.response = all;
        return set(Fault.RESPOND);
    }

    private FaultProxy set(Fault next) {
        if (fault != next) {
            log.info("fault proxy {} -> {}: {}", name, target, next);
        }
        fault = next;
        return this;
    }

    public Fault fault() {
        return fault;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests answered with the canned response so far. */
    public int answered() {
        return answered.get();
    }

    /** Bytes forwarded so far, both directions. */
    public long forwardedBytes() {
        return forwardedBytes.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("fault proxy {} stopped accepting", name, e);
                }
                return;
            }
            connections.incrementAndGet();
            threads.execute(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        open.add(client);
        if (fault == Fault.RESET) {
            abort(client);
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            abort(client);
            closeQuietly(upstream);
            return;
        }
        open.add(upstream);
        threads.execute(() -> pump(client, upstream, true));
        threads.execute(() -> pump(upstream, client, false));
    }

    /** Copies bytes from {@code from} to {@code to}, applying the fault of the moment to each chunk. */
    private void pump(Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                while (fault == Fault.BLACK_HOLE && !closed) {
                    sleep(Duration.ofMillis(20)); // held back, as TCP retransmits through a partition
                }
                switch (fault) {
                    case BLACK_HOLE -> {
                        return; // closed while cut off
                    }
                    case RESET -> {
                        abort(from);
                        abort(to);
                        return;
                    }
                    case RESPOND -> {
                        if (request) {
                            answered.incrementAndGet();
                            from.getOutputStream().write(response);
                            from.getOutputStream().flush();
                            closeQuietly(from);
                            closeQuietly(to);
                            return;
                        }
                        // a response already on its way from the service still arrives
                    }
                    case LATENCY -> sleep(latency);
                    case NONE -> {}
                }
                out.write(buffer, 0, n);
                out.flush();
                forwardedBytes.addAndGet(n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: end the other too
            closeQuietly(to);
        } finally {
            if (from.isClosed() || to.isClosed()) {
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes with a TCP reset rather than a graceful close. */
    private void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + name + " " + endpoint() + " -> " + target + ", " + fault + "]";
    }
}
