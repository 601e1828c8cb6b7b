package dev.kcl.bench;

import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.EmbeddedStack;
import dev.kcl.testkit.KplAggregator;
import dev.kcl.testkit.StreamAdmin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The end-to-end bench: kcl workers in their own JVMs against the local Kinesis and DynamoDB, measured from inside
 * ({@link BenchWorker}) and from the lease table. Prints a table for people and JSON for scripts:
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl kcl-bench -am package
 * java -cp kcl-bench/target/kcl-bench.jar dev.kcl.bench.EndToEnd [--only drain,latency,fanout,failover,memory]
 *     [--json-out FILE]
 * </pre>
 */
public final class EndToEnd {
    private final EmbeddedStack stack;
    private final StreamAdmin admin;
    private final Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    private int runs;
    private int drainRecords = 50_000;

    private EndToEnd(EmbeddedStack stack) {
        this.stack = stack;
        this.admin = StreamAdmin.of(stack.kinesisHttp1());
    }

    public static void main(String[] args) throws Exception {
        Set<String> only = Set.of("drain", "latency", "fanout", "failover", "memory");
        Path jsonOut = null;
        int drainRecords = 50_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--drain-records" -> drainRecords = Integer.parseInt(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--json-out" -> jsonOut = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i]
                                    + "; usage: EndToEnd [--only drain,latency,fanout,failover,memory] [--drain-records N] [--json-out FILE]");
            }
        }
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            EndToEnd bench = new EndToEnd(stack);
            bench.drainRecords = drainRecords;
            if (only.contains("drain")) {
                bench.drain();
            }
            if (only.contains("latency")) {
                bench.latency(false);
            }
            if (only.contains("fanout")) {
                bench.latency(true);
            }
            if (only.contains("failover")) {
                bench.failover();
            }
            if (only.contains("memory")) {
                bench.memory();
            }
            String json = bench.json();
            System.out.println();
            System.out.println(bench.table());
            System.out.println(json);
            if (jsonOut != null) {
                Files.writeString(jsonOut, json, StandardCharsets.UTF_8);
            }
        }
        System.exit(0);
    }

    // ---- scenarios --------------------------------------------------------------------------------------------

    /**
     * Drain backlogs over 8 shards with one worker: {@code --drain-records} plain records of 100 bytes (default
     * 50,000: the emulator's PutRecords slows down as a stream fills, so 200,000 plain records take it about half an
     * hour to accept), and 200,000 user records of 100 bytes written as the KPL writes them, 100 to an aggregated
     * record.
     */
    private void drain() throws Exception {
        drain("drain", drainRecords, 1);
        drain("drainAggregated", 200_000, 100);
    }

    private void drain(String key, int total, int perRecord) throws Exception {
        String stream = name(key.toLowerCase(Locale.ROOT));
        admin.create(stream, 8);
        long putStart = System.nanoTime();
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < total; i += perRecord) {
            byte[] data;
            if (perRecord == 1) {
                data = String.format(Locale.ROOT, "d%099d", i).getBytes(StandardCharsets.UTF_8);
            } else {
                List<KplAggregator.UserRecord> users = new ArrayList<>();
                for (int j = i; j < Math.min(total, i + perRecord); j++) {
                    // as the KPL aggregates: user records bound for one shard (here, one partition key)
                    users.add(KplAggregator.UserRecord.of("k" + i, String.format(Locale.ROOT, "d%099d", j)));
                }
                data = KplAggregator.aggregate(users);
            }
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey("k" + i)
                    .data(SdkBytes.fromByteArray(data))
                    .build());
        }
        for (int from = 0; from < entries.size(); from += 5_000) {
            admin.put(stream, entries.subList(from, Math.min(entries.size(), from + 5_000)));
        }
        log(
                "%s: %d user records in %d Kinesis records put in %.1f s",
                key, total, entries.size(), (System.nanoTime() - putStart) / 1e9);
        try (Child worker = Child.start(
                stack.kinesisPlainEndpoint(),
                stack.dynamoDbEndpoint(),
                stream,
                stream + "-app",
                "w1",
                10,
                "polling",
                "trim-horizon")) {
            await(Duration.ofMinutes(15), () -> worker.number("delivered") >= total);
            Map<String, String> s = worker.status();
            double seconds = Long.parseLong(s.get("lastDeliveryMs")) / 1000.0;
            double cpu = Long.parseLong(s.get("cpuMs")) / 1000.0;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("userRecords", total);
            r.put("kinesisRecords", entries.size());
            r.put("shards", 8);
            r.put("seconds", round(seconds));
            r.put("recordsPerSecond", Math.round(total / seconds));
            r.put("cpuSecondsPerMillionRecords", round(cpu / (total / 1e6)));
            r.put("workerCpuSeconds", round(cpu));
            r.put("jitCpuSeconds", round(Long.parseLong(s.get("jitCpuMs")) / 1000.0));
            r.put("gcCpuSeconds", round(Long.parseLong(s.get("gcCpuMs")) / 1000.0));
            r.put("cpuBesidesJitAndGcSecondsPerMillionRecords", round(besidesJitAndGc(s) / (total / 1e6)));
            // a new application on a stream with records waiting: Worker.start() to the first processRecords
            r.put("coldStartToFirstRecordSeconds", round(Long.parseLong(s.get("firstDeliveryMs")) / 1000.0));
            results.put(key, r);
            log("%s: %s", key, r);
        }
        // the same backlog, read by AWS's KCL 3.5.1 under another application name
        try (Child kcl = Child.startAwsKcl(
                stack.kinesisPlainEndpoint(), stack.dynamoDbEndpoint(), stream, stream + "-aws-kcl", "aws-1")) {
            await(Duration.ofMinutes(15), () -> kcl.number("delivered") >= total);
            Map<String, String> s = kcl.status();
            double seconds = Long.parseLong(s.get("lastDeliveryMs")) / 1000.0;
            double cpu = Long.parseLong(s.get("cpuMs")) / 1000.0;
            Map<String, Object> r = results.get(key);
            r.put("awsKclSeconds", round(seconds));
            r.put("awsKclRecordsPerSecond", Math.round(total / seconds));
            r.put("awsKclCpuSecondsPerMillionRecords", round(cpu / (total / 1e6)));
            r.put(
                    "cpuRatioKclToAwsKcl",
                    round(((Number) r.get("cpuSecondsPerMillionRecords")).doubleValue() / (cpu / (total / 1e6))));
            r.put("awsKclJitCpuSeconds", round(Long.parseLong(s.get("jitCpuMs")) / 1000.0));
            r.put("awsKclGcCpuSeconds", round(Long.parseLong(s.get("gcCpuMs")) / 1000.0));
            double awsBesides = besidesJitAndGc(s) / (total / 1e6);
            r.put("awsKclCpuBesidesJitAndGcSecondsPerMillionRecords", round(awsBesides));
            r.put(
                    "cpuBesidesJitAndGcRatioKclToAwsKcl",
                    round(((Number) r.get("cpuBesidesJitAndGcSecondsPerMillionRecords")).doubleValue() / awsBesides));
            log("%s with AWS's KCL: %s", key, r);
        }
    }

    /**
     * A worker's CPU seconds other than its JIT compiler's and garbage collector's threads (both libraries pay those
     * too, mostly once per JVM, and in a short drain they are most of the total): the per-record work itself.
     */
    private static double besidesJitAndGc(Map<String, String> status) {
        long cpu = Long.parseLong(status.get("cpuMs"));
        long jit = Math.max(0, Long.parseLong(status.get("jitCpuMs")));
        long gc = Math.max(0, Long.parseLong(status.get("gcCpuMs")));
        return (cpu - jit - gc) / 1000.0;
    }

    /** Propagation latency (put to processRecords) at 200 records/s over 4 shards, for 30 s, one worker. */
    private void latency(boolean fanOut) throws Exception {
        String stream = name(fanOut ? "fanout" : "latency");
        admin.create(stream, 4);
        URI endpoint = fanOut ? stack.kinesisEndpoint() : stack.kinesisPlainEndpoint();
        try (Child worker = Child.start(
                endpoint,
                stack.dynamoDbEndpoint(),
                stream,
                stream + "-app",
                "w1",
                10,
                fanOut ? "fanout" : "polling",
                "latest")) {
            DynamoDbLeaseTable table = table(stream + "-app");
            await(Duration.ofSeconds(60), () -> owners(table).getOrDefault("w1", 0L) == 4);
            Thread.sleep(fanOut ? 4_000 : 2_000); // every shard is being read (subscribed)
            int sent = 0;
            for (int tick = 0; tick < 300; tick++) {
                long sentAt = System.currentTimeMillis();
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    entries.add(PutRecordsRequestEntry.builder()
                            .partitionKey("k" + tick + "-" + i)
                            .data(SdkBytes.fromUtf8String("t=" + sentAt))
                            .build());
                }
                admin.put(stream, entries);
                sent += entries.size();
                Thread.sleep(Math.max(0, 100 - (System.currentTimeMillis() - sentAt)));
            }
            int expected = sent;
            await(Duration.ofSeconds(30), () -> worker.number("latencies") >= expected);
            Map<String, String> s = worker.status();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recordsPerSecond", 200);
            r.put("shards", 4);
            r.put("records", Long.parseLong(s.get("latencies")));
            r.put("p50Millis", Long.parseLong(s.get("p50")));
            r.put("p99Millis", Long.parseLong(s.get("p99")));
            results.put(fanOut ? "fanOutLatency" : "pollingLatency", r);
            log("%s latency: %s", fanOut ? "fan-out" : "polling", r);
        }
    }

    /** Two workers on 8 shards with records flowing: kill -9 one; then stop one gracefully. */
    private void failover() throws Exception {
        String stream = name("failover");
        String app = stream + "-app";
        admin.create(stream, 8);
        DynamoDbLeaseTable table = table(app);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(
                () -> {
                    int n = 0;
                    while (producing.get()) {
                        List<PutRecordsRequestEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 10; i++, n++) {
                            entries.add(PutRecordsRequestEntry.builder()
                                    .partitionKey("k" + n)
                                    .data(SdkBytes.fromUtf8String("t=" + System.currentTimeMillis()))
                                    .build());
                        }
                        admin.put(stream, entries);
                        sleep(100);
                    }
                },
                "bench-producer");
        producer.start();
        Child a = Child.start(
                stack.kinesisPlainEndpoint(),
                stack.dynamoDbEndpoint(),
                stream,
                app,
                "a",
                10,
                "polling",
                "trim-horizon");
        Child b = Child.start(
                stack.kinesisPlainEndpoint(),
                stack.dynamoDbEndpoint(),
                stream,
                app,
                "b",
                10,
                "polling",
                "trim-horizon");
        Child c = null;
        try {
            await(Duration.ofSeconds(90), () -> owners(table).equals(Map.of("a", 4L, "b", 4L)));
            Thread.sleep(3_000);
            long killed = System.nanoTime();
            a.kill();
            await(Duration.ofSeconds(90), () -> owners(table).equals(Map.of("b", 8L)));
            double takeover = (System.nanoTime() - killed) / 1e9;
            log("failover: b owned all 8 shards %.1f s after a was killed", takeover);

            c = Child.start(
                    stack.kinesisPlainEndpoint(),
                    stack.dynamoDbEndpoint(),
                    stream,
                    app,
                    "c",
                    10,
                    "polling",
                    "trim-horizon");
            await(Duration.ofSeconds(90), () -> owners(table).equals(Map.of("b", 4L, "c", 4L)));
            Thread.sleep(3_000);
            long asked = System.nanoTime();
            c.send("stop");
            await(Duration.ofSeconds(60), () -> owners(table).equals(Map.of("b", 8L)));
            double handoff = (System.nanoTime() - asked) / 1e9;
            log("failover: b owned all 8 shards %.2f s after c was asked to stop", handoff);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("failoverSeconds", 10);
            r.put("shards", 8);
            r.put("crashTakeoverSeconds", round(takeover));
            r.put("gracefulHandoffSeconds", round(handoff));
            results.put("failover", r);
        } finally {
            producing.set(false);
            producer.join(10_000);
            a.close();
            b.close();
            if (c != null) {
                c.close();
            }
        }
    }

    /** One worker holding 200 shards: heap and RSS once it has read a backlog; DynamoDB calls over a quiet minute. */
    private void memory() throws Exception {
        String stream = name("memory");
        String app = stream + "-app";
        admin.create(stream, 200);
        int total = 20_000;
        List<PutRecordsRequestEntry> entries = IntStream.range(0, total)
                .mapToObj(i -> PutRecordsRequestEntry.builder()
                        .partitionKey("k" + i)
                        .data(SdkBytes.fromUtf8String(String.format(Locale.ROOT, "m%099d", i)))
                        .build())
                .toList();
        admin.put(stream, entries);
        DynamoDbLeaseTable table = table(app);
        try (Child worker = Child.start(
                stack.kinesisPlainEndpoint(),
                stack.dynamoDbEndpoint(),
                stream,
                app,
                "w1",
                10,
                "polling",
                "trim-horizon")) {
            await(
                    Duration.ofMinutes(10),
                    () -> worker.number("delivered") >= total && owners(table).getOrDefault("w1", 0L) == 200);
            worker.send("gc");
            Thread.sleep(2_000);
            Map<String, String> s = worker.status();
            Map<String, Long> before = calls(s.get("dynamo"));
            long started = System.nanoTime();
            Thread.sleep(60_000);
            Map<String, String> after = worker.status();
            double minutes = (System.nanoTime() - started) / 60e9;
            Map<String, Long> delta = new TreeMap<>();
            calls(after.get("dynamo")).forEach((op, n) -> delta.put(op, n - before.getOrDefault(op, 0L)));
            long all = delta.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("shards", 200);
            r.put("heapUsedMb", round(Long.parseLong(s.get("heapUsed")) / 1048576.0));
            r.put("heapCommittedMb", round(Long.parseLong(s.get("heapCommitted")) / 1048576.0));
            r.put("rssMb", round(Long.parseLong(s.get("rssKb")) / 1024.0));
            r.put("threads", Long.parseLong(s.get("threads")));
            r.put("dynamoCallsPerMinute", round(all / minutes));
            r.put("dynamoCallsPerLeasePerMinute", round(all / minutes / 200));
            r.put("dynamoCallsByOperation", delta);
            results.put("oneWorker200Shards", r);
            log("memory: %s", r);
        }
    }

    // ---- output -----------------------------------------------------------------------------------------------

    private String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"what", "kcl", "KCL 3.5.1 (LOCAL-STACK.md)", "target"});
        for (String key : List.of("drain", "drainAggregated")) {
            Map<String, Object> drain = results.get(key);
            if (drain != null) {
                rows.add(new String[] {
                    "drain " + drain.get("userRecords") + " records, 8 shards"
                            + (key.equals("drain") ? "" : ", KPL-aggregated 100 per record"),
                    drain.get("recordsPerSecond") + " records/s, " + drain.get("cpuSecondsPerMillionRecords")
                            + " CPU s per M records (" + drain.get("cpuBesidesJitAndGcSecondsPerMillionRecords")
                            + " besides JIT and GC)",
                    drain.containsKey("awsKclRecordsPerSecond")
                            ? drain.get("awsKclRecordsPerSecond")
                                    + " records/s, " + drain.get("awsKclCpuSecondsPerMillionRecords")
                                    + " CPU s per M records ("
                                    + drain.get("awsKclCpuBesidesJitAndGcSecondsPerMillionRecords")
                                    + " besides JIT and GC; same run)"
                            : "not run",
                    "CPU <= 0.5 x KCL"
                });
            }
        }
        for (String key : List.of("pollingLatency", "fanOutLatency")) {
            Map<String, Object> l = results.get(key);
            if (l != null) {
                rows.add(new String[] {
                    (key.startsWith("polling") ? "polling" : "fan-out") + " propagation, 200/s",
                    "p50 " + l.get("p50Millis") + " ms, p99 " + l.get("p99Millis") + " ms",
                    key.startsWith("polling") ? "p50 ~0.9 s, p99 ~2.9 s" : "p50 1.6 s (TLS HTTP/2)",
                    key.startsWith("polling") ? "p50 <= 250 ms" : "no worse than KCL"
                });
            }
        }
        Map<String, Object> cold = results.get("drain");
        if (cold != null) {
            rows.add(new String[] {
                "cold start to first record, new application",
                cold.get("coldStartToFirstRecordSeconds") + " s (Worker.start() to processRecords)",
                "78-109 s",
                "<= 5 s"
            });
        }
        Map<String, Object> f = results.get("failover");
        if (f != null) {
            rows.add(new String[] {
                "crash takeover (kill -9, failover 10 s)", f.get("crashTakeoverSeconds") + " s", "55-65 s", "<= 13 s"
            });
            rows.add(new String[] {"graceful handoff gap", f.get("gracefulHandoffSeconds") + " s", "~34 s", "< 1 s"});
        }
        Map<String, Object> m = results.get("oneWorker200Shards");
        if (m != null) {
            rows.add(new String[] {
                "one worker, 200 shards: heap / RSS",
                m.get("heapUsedMb") + " MB / " + m.get("rssMb") + " MB",
                "4 leases: 32-42 MB / 209-233 MB",
                "heap bounded, <= 256 MB"
            });
            rows.add(new String[] {
                "DynamoDB calls per lease per minute (idle)",
                m.get("dynamoCallsPerLeasePerMinute") + " (" + m.get("dynamoCallsPerMinute") + " per minute)",
                "~18 renewals alone",
                "<= 40 writes per worker-minute"
            });
        }
        int[] widths = new int[4];
        rows.forEach(r -> {
            for (int i = 0; i < 4; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                out.append(String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String json() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("measuredAt", Instant.now().toString());
        all.put("java", System.getProperty("java.version"));
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.putAll(results);
        return write(all, "") + "\n";
    }

    private static String write(Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            String inner = indent + "  ";
            return map.entrySet().stream()
                    .map(e -> inner + "\"" + e.getKey() + "\": " + write(e.getValue(), inner))
                    .collect(Collectors.joining(",\n", "{\n", "\n" + indent + "}"));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String name(String what) {
        return "bench-" + what + "-" + (++runs) + "-" + Long.toString(System.currentTimeMillis() % 100_000, 36);
    }

    private DynamoDbLeaseTable table(String app) {
        return DynamoDbLeaseTable.builder(stack.dynamoDb(), app).build();
    }

    private static Map<String, Long> owners(DynamoDbLeaseTable table) {
        if (!table.exists()) {
            return Map.of();
        }
        return table.listLeases().stream()
                .filter(l -> !l.isFinished())
                .collect(Collectors.groupingBy(l -> l.owner().orElse("-"), TreeMap::new, Collectors.counting()));
    }

    private static Map<String, Long> calls(String value) {
        Map<String, Long> calls = new TreeMap<>();
        if (value != null && !value.isEmpty()) {
            for (String pair : value.split(",")) {
                String[] kv = pair.split(":");
                calls.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return calls;
    }

    private static void await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + limit);
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** A {@link BenchWorker} JVM and the last status it printed. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final PrintWriter commands;
        private volatile Map<String, String> status = Map.of();

        private Child(Process process) {
            this.process = process;
            this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = lines.readLine()) != null) {
                                if (line.startsWith("STATUS ")) {
                                    Map<String, String> parsed = new TreeMap<>();
                                    for (String field : line.substring(7).split(" ")) {
                                        int eq = field.indexOf('=');
                                        parsed.put(field.substring(0, eq), field.substring(eq + 1));
                                    }
                                    status = parsed;
                                }
                            }
                        } catch (IOException e) {
                            // the process ended
                        }
                    },
                    "bench-child-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(
                URI kinesis,
                URI dynamo,
                String stream,
                String app,
                String id,
                int failoverSeconds,
                String retrieval,
                String position) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m"));
            // extra JVM options for the kcl worker, e.g. a flight recording:
            // -Dkcl.bench.workerJvmArgs="-XX:StartFlightRecording=filename=w.jfr"
            String extra = System.getProperty("kcl.bench.workerJvmArgs", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(Arrays.asList(extra.split("\\s+")));
            }
            command.addAll(Arrays.asList(
                    "-cp",
                    System.getProperty("java.class.path"),
                    BenchWorker.class.getName(),
                    kinesis.toString(),
                    dynamo.toString(),
                    stream,
                    app,
                    id,
                    Integer.toString(failoverSeconds),
                    retrieval,
                    position));
            try {
                return new Child(new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** AWS's KCL in a JVM of its own ({@link BenchKclWorker}), reporting the same way. */
        static Child startAwsKcl(URI kinesis, URI dynamo, String stream, String app, String id) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            try {
                return new Child(new ProcessBuilder(
                                java.toString(),
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                BenchKclWorker.class.getName(),
                                kinesis.toString(),
                                dynamo.toString(),
                                stream,
                                app,
                                id)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Map<String, String> status() {
            return status;
        }

        long number(String key) {
            String value = status.get(key);
            return value == null ? -1 : Long.parseLong(value);
        }

        void send(String command) {
            commands.println(command);
        }

        void kill() {
            process.destroyForcibly();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                send("stop");
                try {
                    if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
