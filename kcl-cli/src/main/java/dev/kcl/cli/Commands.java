package dev.kcl.cli;

import dev.kcl.leases.LeaderLock;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.WorkerStatus;
import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.spi.ShardInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The four operations, each reading the table once and answering with text for people and JSON for scripts. */
final class Commands {
    /** What a command prints, and its exit status. */
    record Output(String text, Map<String, Object> json, int status) {}

    private final Clients clients;
    private final Clock clock;

    Commands(Clients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    // ---- kcl workers ------------------------------------------------------------------------------------------

    Output workers(Args args) {
        Application app = Application.open(clients, args.required("app"));
        Instant now = clock.instant();
        Map<String, Lease> leases = app.leases();
        List<WorkerStatus> workers = app.workers();
        Optional<LeaderLock> leader = app.leader();
        String text = "application " + app.name() + ": " + workers.size() + " worker(s), leader "
                + leader.map(l -> l.leaderId() + " (term " + l.term() + ")").orElse("none") + "\n\n"
                + workerTable(workers, leases, leader, now);
        Map<String, Object> json = Json.object();
        json.put("application", app.name());
        json.put("leader", leaderJson(leader));
        json.put("workers", workerJson(workers, leases, leader, now));
        return new Output(text, json, 0);
    }

    private static String workerTable(
            List<WorkerStatus> workers, Map<String, Lease> leases, Optional<LeaderLock> leader, Instant now) {
        Map<String, Long> held = heldCounts(leases);
        TextTable table = new TextTable("WORKER", "STATE", "HEARTBEAT", "FAILOVER", "LEASES", "LEADER");
        Set<String> seen = new HashSet<>();
        for (WorkerStatus w : workers) {
            seen.add(w.workerId());
            table.row(
                    w.workerId(),
                    Application.state(w, now),
                    w.heartbeatAge(now).map(age -> ago(age)).orElse("-"),
                    w.failoverTime().map(Commands::duration).orElse("-"),
                    held.getOrDefault(w.workerId(), 0L),
                    leader.filter(l -> l.leaderId().equals(w.workerId()))
                            .map(l -> "yes")
                            .orElse(""));
        }
        // owners with no heartbeat item: workers of AWS's KCL, or kcl workers gone for good
        held.forEach((owner, count) -> {
            if (!seen.contains(owner)) {
                table.row(owner, "no heartbeat", "-", "-", count, "");
            }
        });
        return table.isEmpty() ? "no workers\n" : table.render();
    }

    private static List<Map<String, Object>> workerJson(
            List<WorkerStatus> workers, Map<String, Lease> leases, Optional<LeaderLock> leader, Instant now) {
        Map<String, Long> held = heldCounts(leases);
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (WorkerStatus w : workers) {
            seen.add(w.workerId());
            Map<String, Object> item = Json.object();
            item.put("workerId", w.workerId());
            item.put("state", Application.state(w, now));
            item.put("heartbeatAgeMillis", w.heartbeatAge(now).map(Duration::toMillis));
            item.put("failoverMillis", w.failoverTime().map(Duration::toMillis));
            item.put("heartbeatCounter", w.heartbeatCounter());
            item.put("draining", w.draining());
            item.put("leases", held.getOrDefault(w.workerId(), 0L));
            item.put(
                    "leader",
                    leader.filter(l -> l.leaderId().equals(w.workerId())).isPresent());
            out.add(item);
        }
        held.forEach((owner, count) -> {
            if (!seen.contains(owner)) {
                Map<String, Object> item = Json.object();
                item.put("workerId", owner);
                item.put("state", "no heartbeat");
                item.put("leases", count);
                out.add(item);
            }
        });
        return out;
    }

    private static Map<String, Object> leaderJson(Optional<LeaderLock> leader) {
        if (leader.isEmpty()) {
            return null;
        }
        Map<String, Object> item = Json.object();
        item.put("workerId", leader.get().leaderId());
        item.put("term", leader.get().term());
        return item;
    }

    private static Map<String, Long> heldCounts(Map<String, Lease> leases) {
        return leases.values().stream()
                .filter(l -> l.owner().isPresent())
                .collect(Collectors.groupingBy(l -> l.owner().get(), TreeMap::new, Collectors.counting()));
    }

    // ---- kcl describe -----------------------------------------------------------------------------------------

    Output describe(Args args) {
        String stream = args.required("stream");
        Application app = Application.open(clients, args.required("app"));
        Map<String, ShardInfo> shards = Application.shards(clients.kinesis(), stream, clients.where());
        Instant now = clock.instant();
        Map<String, Lease> leases = app.leases();
        List<WorkerStatus> workers = app.workers();
        Optional<LeaderLock> leader = app.leader();

        Map<String, StoredCheckpoint> toMeasure = new TreeMap<>();
        if (!args.flag("no-lag")) {
            leases.forEach((id, lease) -> {
                if (shards.containsKey(id) && lease.checkpoint().isPresent() && !lease.isFinished()) {
                    toMeasure.put(id, lease.checkpoint().get());
                }
            });
        }
        Map<String, Lag.Result> lag = toMeasure.isEmpty() ? Map.of() : Lag.of(clients.kinesis(), stream, toMeasure);

        TreeSet<String> ids = new TreeSet<>(shards.keySet());
        ids.addAll(leases.keySet());
        TextTable table = new TextTable("SHARD", "STATE", "OWNER", "CHECKPOINT", "LAG", "PARENTS", "CHILDREN");
        List<Map<String, Object>> shardJson = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            Optional<Lease> lease = Optional.ofNullable(leases.get(id));
            Optional<ShardInfo> shard = Optional.ofNullable(shards.get(id));
            String state = shardState(lease, shard, leases);
            Optional<Lag.Result> shardLag = Optional.ofNullable(lag.get(id));
            shardLag.flatMap(Lag.Result::problem).ifPresent(p -> problems.add(id + ": " + p));
            Set<String> parents = lease.map(Lease::parentShardIds)
                    .orElseGet(() -> shard.map(ShardInfo::parentShardIds).orElse(Set.of()));
            Set<String> children = lease.map(Lease::childShardIds).orElse(Set.of());
            table.row(
                    id,
                    state,
                    lease.flatMap(Lease::owner).orElse("-"),
                    lease.flatMap(Lease::checkpoint)
                            .map(StoredCheckpoint::toString)
                            .orElse("-"),
                    shardLag.flatMap(Lag.Result::millis)
                            .map(ms -> ms + " ms")
                            .orElse(shardLag.flatMap(Lag.Result::problem).isPresent() ? "?" : "-"),
                    list(parents),
                    list(children));

            Map<String, Object> item = Json.object();
            item.put("shardId", id);
            item.put("open", shard.map(ShardInfo::open));
            item.put("state", state);
            item.put("owner", lease.flatMap(Lease::owner));
            item.put("leaseCounter", lease.map(Lease::counter));
            item.put("checkpoint", lease.flatMap(Lease::checkpoint).map(StoredCheckpoint::sequenceNumber));
            item.put(
                    "checkpointSubSequenceNumber",
                    lease.flatMap(Lease::checkpoint).map(StoredCheckpoint::subSequenceNumber));
            item.put(
                    "checkpointTimestamp",
                    lease.flatMap(Lease::checkpoint)
                            .flatMap(StoredCheckpoint::timestamp)
                            .map(Instant::toString));
            item.put(
                    "pendingCheckpoint", lease.flatMap(Lease::pendingCheckpoint).map(StoredCheckpoint::toString));
            item.put("handoffTo", lease.flatMap(Lease::handoffTo));
            item.put("lagMillis", shardLag.flatMap(Lag.Result::millis));
            item.put("parents", new TreeSet<>(parents));
            item.put("children", new TreeSet<>(children));
            shardJson.add(item);
        }
        long open = shards.values().stream().filter(ShardInfo::open).count();
        StringBuilder text = new StringBuilder();
        text.append("application ")
                .append(app.name())
                .append(", stream ")
                .append(stream)
                .append(": ")
                .append(shards.size())
                .append(" shard(s), ")
                .append(open)
                .append(" open; ")
                .append(leases.size())
                .append(" lease(s); leader ")
                .append(leader.map(l -> l.leaderId() + " (term " + l.term() + ")")
                        .orElse("none"))
                .append("\n\n")
                .append(table.render())
                .append('\n')
                .append(workerTable(workers, leases, leader, now));
        if (!problems.isEmpty()) {
            text.append("\nlag unknown for ")
                    .append(String.join("; ", problems))
                    .append('\n');
        }
        Map<String, Object> json = Json.object();
        json.put("application", app.name());
        json.put("stream", stream);
        json.put("leader", leaderJson(leader));
        json.put("shards", shardJson);
        json.put("workers", workerJson(workers, leases, leader, now));
        return new Output(text.toString(), json, 0);
    }

    private static String shardState(Optional<Lease> lease, Optional<ShardInfo> shard, Map<String, Lease> leases) {
        if (lease.isEmpty()) {
            return shard.get().open() ? "no lease yet" : "closed, no lease";
        }
        Lease l = lease.get();
        if (l.isFinished()) {
            return "finished";
        }
        if (shard.isEmpty()) {
            return "shard gone";
        }
        if (l.handoffTo().isPresent()) {
            return "handing off to " + l.handoffTo().get();
        }
        boolean parentsPending =
                l.parentShardIds().stream().map(leases::get).anyMatch(parent -> parent != null && !parent.isFinished());
        if (parentsPending) {
            return "waiting for parents";
        }
        return l.owner().isPresent() ? "reading" : "unowned";
    }

    // ---- kcl reset --------------------------------------------------------------------------------------------

    /** Where a reset moves checkpoints to. */
    private sealed interface Position {
        record TrimHorizon() implements Position {}

        record Latest() implements Position {}

        record AtTimestamp(Instant timestamp) implements Position {}

        record Sequence(String sequenceNumber) implements Position {}
    }

    static final String POSITIONS =
            "trim-horizon, latest, timestamp=<ISO-8601, e.g. 2026-11-21T09:30:00Z> or " + "sequence=<sequence number>";

    private static Position position(String value) {
        if (value.equals("trim-horizon")) {
            return new Position.TrimHorizon();
        }
        if (value.equals("latest")) {
            return new Position.Latest();
        }
        if (value.startsWith("timestamp=")) {
            String time = value.substring("timestamp=".length());
            try {
                return new Position.AtTimestamp(OffsetDateTime.parse(time).toInstant());
            } catch (DateTimeParseException e) {
                throw CliException.usage("--to timestamp=" + time + " is not an ISO-8601 time with an offset, such as "
                        + "2026-11-21T09:30:00Z or 2026-11-21T10:30:00+01:00");
            }
        }
        if (value.startsWith("sequence=")) {
            String sequence = value.substring("sequence=".length());
            if (!Lag.isSequenceNumber(sequence)) {
                throw CliException.usage("--to sequence=" + sequence + " is not a Kinesis sequence number (digits)");
            }
            return new Position.Sequence(sequence);
        }
        throw CliException.usage("--to must be one of " + POSITIONS + "; was '" + value + "'");
    }

    private static String describe(Position position) {
        if (position instanceof Position.AtTimestamp at) {
            return at.timestamp().toString();
        }
        if (position instanceof Position.Sequence sequence) {
            return "sequence number " + sequence.sequenceNumber();
        }
        return position instanceof Position.Latest ? "the latest record" : "the trim horizon";
    }

    /** One lease a reset changes or creates. */
    private record Change(String shardId, Optional<Lease> before, StoredCheckpoint target, Optional<ShardInfo> shard) {}

    Output reset(Args args) {
        String stream = args.required("stream");
        Position to = position(args.required("to"));
        Optional<String> only = args.value("shard");
        boolean dryRun = args.flag("dry-run");
        boolean force = args.flag("force");
        if (to instanceof Position.Sequence && only.isEmpty()) {
            throw CliException.usage("--to sequence=N needs --shard: a sequence number belongs to one shard");
        }
        Application app = Application.open(clients, args.required("app"));
        Map<String, ShardInfo> shards = Application.shards(clients.kinesis(), stream, clients.where());
        Map<String, Lease> leases = app.leases();
        if (only.isPresent() && !shards.containsKey(only.get()) && !leases.containsKey(only.get())) {
            throw CliException.failed("no shard " + only.get() + " in stream " + stream + " or in the lease table");
        }

        Map<String, StoredCheckpoint> targets = targets(to, stream, shards, leases);
        if (only.isPresent()) {
            targets.keySet().retainAll(Set.of(only.get()));
        }
        if (to instanceof Position.Sequence sequence) {
            checkSequence(stream, only.get(), sequence.sequenceNumber());
            targets.put(only.get(), StoredCheckpoint.of(sequence.sequenceNumber()));
        }
        List<Change> changes = new ArrayList<>();
        targets.forEach((id, target) -> changes.add(
                new Change(id, Optional.ofNullable(leases.get(id)), target, Optional.ofNullable(shards.get(id)))));

        Instant now = clock.instant();
        List<WorkerStatus> running = Application.possiblyAlive(app.workers(), now);
        if (!running.isEmpty() && !force && !dryRun) {
            throw CliException.refused(running.size() + " worker(s) of " + app.name() + " may be running: "
                    + running.stream()
                            .map(w -> w.workerId() + " (" + Application.state(w, now)
                                    + w.heartbeatAge(now)
                                            .map(age -> ", heartbeat " + ago(age))
                                            .orElse("") + ")")
                            .collect(Collectors.joining(", "))
                    + ". Stop them first, or add --force: each lease is then taken from its owner, which stops"
                    + " reading it, and the next owner starts from the new checkpoint.");
        }

        DynamoDbLeaseTable table = app.table();
        TextTable out = new TextTable("SHARD", "OWNER", "CHECKPOINT", "NEW CHECKPOINT", "RESULT");
        List<Map<String, Object>> json = new ArrayList<>();
        int status = 0;
        int written = 0;
        for (Change change : changes) {
            String result;
            if (change.before().isPresent()
                    && change.before().get().owner().isEmpty()
                    && change.before().get().checkpoint().equals(Optional.of(change.target()))) {
                result = "unchanged";
            } else if (dryRun) {
                result = change.before().isPresent() ? "would reset" : "would create";
            } else {
                result = apply(table, change);
                if (result.startsWith("not ")) {
                    status = CliException.REFUSED;
                } else {
                    written++;
                }
            }
            out.row(
                    change.shardId(),
                    change.before().flatMap(Lease::owner).orElse("-"),
                    change.before()
                            .flatMap(Lease::checkpoint)
                            .map(StoredCheckpoint::toString)
                            .orElse("-"),
                    change.target(),
                    result);
            Map<String, Object> item = Json.object();
            item.put("shardId", change.shardId());
            item.put("owner", change.before().flatMap(Lease::owner));
            item.put("checkpoint", change.before().flatMap(Lease::checkpoint).map(StoredCheckpoint::toString));
            item.put("newCheckpoint", change.target().toString());
            item.put("result", result);
            json.add(item);
        }
        for (Lease kept : leases.values()) {
            if (!targets.containsKey(kept.leaseKey()) && !shards.containsKey(kept.leaseKey()) && only.isEmpty()) {
                out.row(
                        kept.leaseKey(),
                        kept.owner().orElse("-"),
                        kept.checkpoint().map(Object::toString).orElse("-"),
                        "-",
                        "kept: the shard is no longer in the stream");
            }
        }
        String summary = (dryRun ? "dry run, nothing written: " : "") + "reset " + app.name() + " on " + stream
                + " to " + describe(to) + (only.map(s -> ", shard " + s).orElse("")) + ": "
                + (dryRun ? changes.size() + " lease(s) to change" : written + " lease(s) written")
                + (dryRun && !running.isEmpty()
                        ? "; " + running.size() + " worker(s) may be running, so without --dry-run this needs --force"
                        : "");
        Map<String, Object> result = Json.object();
        result.put("application", app.name());
        result.put("stream", stream);
        result.put("to", args.required("to"));
        result.put("dryRun", dryRun);
        result.put("changes", json);
        return new Output(summary + "\n\n" + (out.isEmpty() ? "nothing to change\n" : out.render()), result, status);
    }

    /** The new checkpoint of every shard a reset to {@code to} touches (a sequence number is handled by the caller). */
    private Map<String, StoredCheckpoint> targets(
            Position to, String stream, Map<String, ShardInfo> shards, Map<String, Lease> leases) {
        Map<String, StoredCheckpoint> targets = new TreeMap<>();
        if (to instanceof Position.TrimHorizon) {
            shards.keySet().forEach(id -> targets.put(id, StoredCheckpoint.of("TRIM_HORIZON")));
        } else if (to instanceof Position.Latest) {
            shards.values().forEach(shard -> {
                if (shard.open()) {
                    targets.put(shard.shardId(), StoredCheckpoint.of("LATEST"));
                } else if (leases.containsKey(shard.shardId())) {
                    targets.put(shard.shardId(), StoredCheckpoint.of(StoredCheckpoint.SHARD_END)); // nothing new there
                }
            });
        } else if (to instanceof Position.AtTimestamp at) {
            Set<String> openAt = Application.shardsOpenAt(clients.kinesis(), stream, clients.where(), at.timestamp())
                    .keySet();
            Set<String> later = descendants(openAt, shards);
            for (ShardInfo shard : shards.values()) {
                String id = shard.shardId();
                if (openAt.contains(id)) {
                    targets.put(id, StoredCheckpoint.atTimestamp(at.timestamp()));
                } else if (later.contains(id)) {
                    targets.put(id, StoredCheckpoint.of("TRIM_HORIZON")); // every record came after the time
                } else if (leases.containsKey(id)) {
                    targets.put(id, StoredCheckpoint.of(StoredCheckpoint.SHARD_END)); // closed before the time
                }
            }
        }
        // a sequence number is set by the caller, for the one shard named
        return targets;
    }

    /** Every shard descended (through splits and merges) from one of {@code roots}, the roots excluded. */
    private static Set<String> descendants(Set<String> roots, Map<String, ShardInfo> shards) {
        Map<String, List<String>> children = new HashMap<>();
        shards.values()
                .forEach(shard -> shard.parentShardIds()
                        .forEach(parent -> children.computeIfAbsent(parent, k -> new ArrayList<>())
                                .add(shard.shardId())));
        Set<String> found = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(roots);
        while (!queue.isEmpty()) {
            for (String child : children.getOrDefault(queue.poll(), List.of())) {
                if (!roots.contains(child) && found.add(child)) {
                    queue.add(child);
                }
            }
        }
        return found;
    }

    /** Fails unless {@code sequence} lies within the shard's sequence number range and Kinesis can read after it. */
    private void checkSequence(String stream, String shard, String sequence) {
        software.amazon.awssdk.services.kinesis.model.Shard found = null;
        try {
            String token = null;
            do {
                String next = token;
                var page = clients.kinesis()
                        .listShards(b -> {
                            if (next == null) {
                                b.streamName(stream);
                            } else {
                                b.nextToken(next);
                            }
                        })
                        .join();
                for (var s : page.shards()) {
                    if (s.shardId().equals(shard)) {
                        found = s;
                    }
                }
                token = page.nextToken();
            } while (token != null && found == null);
        } catch (java.util.concurrent.CompletionException e) {
            throw CliException.failed("ListShards on " + stream + " failed: " + dev.kcl.aws.AwsErrors.describe(e));
        }
        if (found == null) {
            throw CliException.failed("no shard " + shard + " in stream " + stream);
        }
        java.math.BigInteger n = new java.math.BigInteger(sequence);
        var range = found.sequenceNumberRange();
        boolean inRange = n.compareTo(new java.math.BigInteger(range.startingSequenceNumber())) >= 0
                && (range.endingSequenceNumber() == null
                        || n.compareTo(new java.math.BigInteger(range.endingSequenceNumber())) <= 0);
        if (!inRange) {
            throw CliException.failed("sequence number " + sequence + " is not in " + shard + ", whose records run "
                    + "from " + range.startingSequenceNumber() + " to "
                    + (range.endingSequenceNumber() == null ? "the tip (still open)" : range.endingSequenceNumber()));
        }
        try {
            clients.kinesis()
                    .getShardIterator(b -> b.streamName(stream)
                            .shardId(shard)
                            .shardIteratorType(
                                    software.amazon.awssdk.services.kinesis.model.ShardIteratorType
                                            .AFTER_SEQUENCE_NUMBER)
                            .startingSequenceNumber(sequence))
                    .join();
        } catch (RuntimeException e) {
            throw CliException.failed("sequence number " + sequence + " cannot be read after on " + shard + ": "
                    + dev.kcl.aws.AwsErrors.describe(e));
        }
    }

    /** Writes one change, fenced; re-reads and tries again a few times if the lease moves meanwhile. */
    private static String apply(DynamoDbLeaseTable table, Change change) {
        Optional<Lease> current = change.before();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (current.isEmpty()) {
                ShardInfo shard = change.shard().orElseThrow();
                Lease created = Lease.create(change.shardId(), change.target(), shard.parentShardIds()).toBuilder()
                        .hashKeyRange(shard.hashKeyRange())
                        .build();
                if (table.create(created)) {
                    return "created";
                }
            } else {
                LeaseWrite write = table.resetCheckpoint(current.get(), change.target());
                if (write.applied()) {
                    return current.get()
                            .owner()
                            .map(owner -> "reset, taken from " + owner)
                            .orElse("reset");
                }
            }
            current = table.get(change.shardId());
        }
        return "not reset: the lease kept changing; run the command again";
    }

    // ---- kcl release ------------------------------------------------------------------------------------------

    Output release(Args args) {
        String worker = args.required("worker");
        boolean force = args.flag("force");
        Application app = Application.open(clients, args.required("app"));
        Instant now = clock.instant();
        Map<String, Lease> leases = app.leases();
        List<WorkerStatus> workers = app.workers();
        List<Lease> held =
                leases.values().stream().filter(l -> l.isOwnedBy(worker)).toList();
        Optional<WorkerStatus> status =
                workers.stream().filter(w -> w.workerId().equals(worker)).findFirst();
        boolean alive =
                status.map(w -> !Application.state(w, now).equals("gone")).orElse(false);
        List<String> targets = workers.stream()
                .filter(w -> !w.workerId().equals(worker)
                        && Application.state(w, now).equals("alive"))
                .map(WorkerStatus::workerId)
                .toList();

        Map<String, Object> json = Json.object();
        json.put("application", app.name());
        json.put("worker", worker);
        if (held.isEmpty()) {
            json.put("leases", List.of());
            return new Output(worker + " holds no leases of " + app.name() + "\n", json, 0);
        }
        if (alive && targets.isEmpty() && !force) {
            throw CliException.refused(worker + " is " + Application.state(status.get(), now) + " and no other live"
                    + " worker can take its " + held.size() + " lease(s). Add --force to release them to nobody: "
                    + worker + " stops reading them and they wait for a worker to be assigned.");
        }
        Map<String, Long> load = new HashMap<>();
        targets.forEach(t -> load.put(t, 0L));
        leases.values().forEach(l -> l.owner().filter(load::containsKey).ifPresent(o -> load.merge(o, 1L, Long::sum)));

        DynamoDbLeaseTable table = app.table();
        TextTable out = new TextTable("SHARD", "CHECKPOINT", "RESULT");
        List<Map<String, Object>> items = new ArrayList<>();
        int exit = 0;
        for (Lease lease : held) {
            String result;
            if (alive && !targets.isEmpty()) {
                // a graceful handoff: the worker finishes its batch, checkpoints and passes the lease on
                String to = load.entrySet().stream()
                        .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                        .orElseThrow()
                        .getKey();
                if (table.markHandoff(lease, to).applied()) {
                    load.merge(to, 1L, Long::sum);
                    result = "handing off to " + to;
                } else {
                    result = "not changed: the lease moved meanwhile";
                    exit = CliException.REFUSED;
                }
            } else if (table.release(lease, Optional.empty()).applied()) {
                result = "released";
            } else {
                result = "not changed: the lease moved meanwhile";
                exit = CliException.REFUSED;
            }
            out.row(lease.leaseKey(), lease.checkpoint().map(Object::toString).orElse("-"), result);
            Map<String, Object> item = Json.object();
            item.put("shardId", lease.leaseKey());
            item.put("result", result);
            items.add(item);
        }
        json.put("leases", items);
        String how = alive && !targets.isEmpty()
                ? worker + " is running: each lease is handed off when its current batch is done and checkpointed"
                : worker
                        + (alive
                                ? " is running but no other worker is: its leases are released to nobody"
                                : " is not running: its leases are released at once, for the leader to assign");
        return new Output(how + "\n\n" + out.render(), json, exit);
    }

    // ---- formatting -------------------------------------------------------------------------------------------

    private static String list(Set<String> ids) {
        return ids.isEmpty() ? "-" : String.join(",", new TreeSet<>(ids));
    }

    static String ago(Duration age) {
        if (age.isNegative()) {
            return "in " + duration(age.negated()) + " (clocks disagree)";
        }
        return duration(age) + " ago";
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 120_000) {
            return (ms / 1000) + " s";
        }
        if (ms < 7_200_000) {
            return (ms / 60_000) + " min";
        }
        return (ms / 3_600_000) + " h";
    }
}
