package dev.kcl.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What a bench worker JVM measures of itself, and the {@code STATUS key=value ...} line it prints: records delivered,
 * time since the consumer started and of the first and last delivery, process CPU time since then, heap, RSS, threads,
 * propagation latencies, and DynamoDB calls by operation.
 */
final class Gauges {
    static final AtomicLong delivered = new AtomicLong();
    static final AtomicLong lastDeliveryNanos = new AtomicLong();
    static final AtomicLong firstDeliveryNanos = new AtomicLong();

    static final Map<String, AtomicLong> dynamoCalls = new ConcurrentHashMap<>();
    static final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private static volatile long startedNanos;
    private static volatile long cpuAtStart;
    private static volatile Map<String, Long> threadCpuAtStart = Map.of();

    private Gauges() {}

    /** The consumer starts now: time and CPU are counted from here. */
    static void started() {
        cpuAtStart = cpuNanos();
        threadCpuAtStart = jvmThreadCpuMs();
        startedNanos = System.nanoTime();
    }

    /** A batch was delivered; data of the form {@code t=<epoch millis>} counts toward the latencies. */
    static void delivered(List<String> data) {
        long now = System.currentTimeMillis();
        for (String d : data) {
            if (d.startsWith("t=")) {
                latencies.add(now - Long.parseLong(d.substring(2)));
            }
        }
        delivered.addAndGet(data.size());
        long at = System.nanoTime();
        firstDeliveryNanos.compareAndSet(0, at);
        lastDeliveryNanos.set(at);
    }

    static void dynamoCall(String operation) {
        dynamoCalls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }

    /** Prints a status line every second, from a daemon thread. */
    static void reportEverySecond() {
        Thread reporter = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        status();
                    }
                },
                "bench-status");
        reporter.setDaemon(true);
        reporter.start();
    }

    static synchronized void status() {
        long last = lastDeliveryNanos.get();
        long first = firstDeliveryNanos.get();
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        Map<String, Long> calls = new TreeMap<>();
        dynamoCalls.forEach((op, n) -> calls.put(op, n.get()));
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.println("STATUS delivered=" + delivered.get()
                + " sinceStartMs=" + (System.nanoTime() - startedNanos) / 1_000_000
                + " firstDeliveryMs=" + (first == 0 ? -1 : (first - startedNanos) / 1_000_000)
                + " lastDeliveryMs=" + (last == 0 ? -1 : (last - startedNanos) / 1_000_000)
                + " cpuMs=" + (cpuNanos() - cpuAtStart) / 1_000_000
                + " jitCpuMs=" + sinceStart("jit")
                + " gcCpuMs=" + sinceStart("gc")
                + " heapUsed=" + heap.getUsed()
                + " heapCommitted=" + heap.getCommitted()
                + " rssKb=" + rssKb()
                + " threads=" + Thread.activeCount()
                + " latencies=" + sorted.size()
                + " p50=" + percentile(sorted, 0.50)
                + " p99=" + percentile(sorted, 0.99)
                + " dynamo="
                + calls.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(",")));
        System.out.flush();
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    /** CPU milliseconds of the JVM's own threads of this kind since {@link #started()}; -1 where not measurable. */
    private static long sinceStart(String kind) {
        Map<String, Long> now = jvmThreadCpuMs();
        if (!now.containsKey(kind)) {
            return -1;
        }
        return now.get(kind) - threadCpuAtStart.getOrDefault(kind, 0L);
    }

    /**
     * CPU milliseconds so far of the JVM's compiler threads ({@code jit}) and garbage collector threads ({@code gc}),
     * from /proc (Linux; empty elsewhere). A compiler thread that has exited takes its time with it, so the figures are
     * lower bounds: what remains after subtracting them from the process's CPU is an upper bound on the rest.
     */
    static Map<String, Long> jvmThreadCpuMs() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return Map.of();
        }
        long ticksPerSecond = 100; // USER_HZ on Linux
        Map<String, Long> ms = new TreeMap<>(Map.of("jit", 0L, "gc", 0L));
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String kind = name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")
                            ? "jit"
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "gc" : null;
                    if (kind == null) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                    ms.merge(kind, ticks * 1000 / ticksPerSecond, Long::sum);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (java.io.IOException e) {
            return Map.of();
        }
        return ms;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Resident set size from /proc (Linux); -1 elsewhere. */
    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
