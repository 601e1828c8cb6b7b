package dev.kcl.cli;

import dev.kcl.KclException;
import dev.kcl.aws.AwsErrors;
import dev.kcl.aws.KinesisShardDirectory;
import dev.kcl.leases.LeaderLock;
import dev.kcl.leases.Lease;
import dev.kcl.leases.WorkerStatus;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.spi.ShardDirectory;
import dev.kcl.spi.ShardInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** One application's lease table (and, when named, its stream) as the command reads it, once. */
final class Application {
    /** How far apart the operator's clock and a worker's may be before a live worker would look gone. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(2);

    private final String name;
    private final DynamoDbLeaseTable table;

    private Application(String name, DynamoDbLeaseTable table) {
        this.name = name;
        this.table = table;
    }

    /** Opens the lease table of application {@code name}; fails, naming it, if there is none. Never creates one. */
    static Application open(Clients clients, String name) {
        DynamoDbLeaseTable table;
        try {
            table = DynamoDbLeaseTable.builder(clients.dynamoDb(), name).build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--app: " + e.getMessage());
        }
        if (!table.exists()) {
            throw CliException.failed("no lease table '" + name + "' in " + clients.where()
                    + ": is --app the application name, and --region (or --dynamodb-endpoint) where it runs?");
        }
        return new Application(name, table);
    }

    String name() {
        return name;
    }

    DynamoDbLeaseTable table() {
        return table;
    }

    /** Every lease, by shard id. */
    Map<String, Lease> leases() {
        return table.listLeases().stream()
                .collect(Collectors.toMap(Lease::leaseKey, l -> l, (a, b) -> a, TreeMap::new));
    }

    List<WorkerStatus> workers() {
        return table.workerStatuses();
    }

    Optional<LeaderLock> leader() {
        return table.leader();
    }

    /** Every shard the stream still holds, by shard id; fails naming the stream if there is no such stream. */
    static Map<String, ShardInfo> shards(KinesisAsyncClient kinesis, String stream, String where) {
        return list(kinesis, stream, where, ShardDirectory.Filter.ALL, null);
    }

    /** The shards that were open at {@code timestamp}. */
    static Map<String, ShardInfo> shardsOpenAt(
            KinesisAsyncClient kinesis, String stream, String where, Instant timestamp) {
        return list(kinesis, stream, where, ShardDirectory.Filter.AT_TIMESTAMP, timestamp);
    }

    private static Map<String, ShardInfo> list(
            KinesisAsyncClient kinesis, String stream, String where, ShardDirectory.Filter filter, Instant timestamp) {
        try {
            return new KinesisShardDirectory(kinesis, stream)
                    .listShards(filter, timestamp).stream()
                            .collect(Collectors.toMap(ShardInfo::shardId, s -> s, (a, b) -> a, TreeMap::new));
        } catch (KclException e) {
            if (e.getCause() != null && AwsErrors.classify(e.getCause()) == AwsErrors.Kind.NOT_FOUND) {
                throw CliException.failed("no stream '" + stream + "' in " + where
                        + ": is --stream right, and --region (or --kinesis-endpoint) where it is?");
            }
            throw CliException.failed(e.getMessage());
        }
    }

    /** A worker's state as one look at the table can tell it. */
    static String state(WorkerStatus worker, Instant now) {
        if (worker.draining()) {
            return "draining";
        }
        return worker.alive(now, CLOCK_SKEW)
                .map(alive -> alive ? "alive" : "gone")
                .orElse("unknown");
    }

    /** Workers that may be alive: alive or draining by their heartbeat, or of unknown state. */
    static List<WorkerStatus> possiblyAlive(List<WorkerStatus> workers, Instant now) {
        return workers.stream().filter(w -> !state(w, now).equals("gone")).toList();
    }
}
