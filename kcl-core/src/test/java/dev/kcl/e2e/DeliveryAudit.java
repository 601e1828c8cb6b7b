package dev.kcl.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what {@link WorkerProcess}es wrote (each worker's ledger of deliveries and its journal of checkpoint outcomes)
 * and ties every delivery to the outcome of its batch's checkpoint, so duplicates can be explained and fencing checked.
 *
 * <p>A batch's ledger lines are written, flushed, and only then checkpointed and journaled, so for one worker and one
 * shard the journal's batches match the ledger's lines in order. Lines after the last journaled batch belong to a
 * batch whose checkpoint never finished: the worker was killed, or it was still running at the end.
 */
final class DeliveryAudit {
    /** How the checkpoint of a delivery's batch ended. */
    enum Outcome {
        /** Checkpointed: no later owner may deliver the record again. */
        OK,
        /** Refused by fencing: the lease had moved on (or the worker had fenced itself), nothing was written. */
        FENCED,
        /** The checkpoint failed with an error, for example timeouts while cut off from DynamoDB. */
        FAILED,
        /** Never checkpointed: the worker was killed before (or stopped at the end of the run). */
        UNFINISHED
    }

    record Delivery(String worker, String shard, String sequenceNumber, String data, long millis, Outcome outcome) {}

    private final List<Delivery> deliveries;

    private DeliveryAudit(List<Delivery> deliveries) {
        this.deliveries = deliveries;
    }

    /** Reads every {@code *.ledger} file in {@code dir} and the {@code .checkpoints} journal beside each. */
    static DeliveryAudit read(Path dir) {
        List<Delivery> all = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path ledger :
                    files.filter(f -> f.toString().endsWith(".ledger")).sorted().toList()) {
                all.addAll(match(lines(ledger, 5), lines(Path.of(ledger + ".checkpoints"), 7)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeliveryAudit(all);
    }

    /**
     * The complete lines of a ledger or journal a worker process appends to, split into their fields: a last line
     * without its newline is being written right now, or was cut short by a kill, and is left out.
     */
    static List<String[]> lines(Path file, int fields) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.substring(0, text.lastIndexOf('\n') + 1)
                    .lines()
                    .map(line -> line.split(" "))
                    .filter(f -> f.length == fields)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pairs one worker's ledger lines with its journaled batches, shard by shard, in the order both were written. */
    private static List<Delivery> match(List<String[]> ledger, List<String[]> journal) {
        Map<String, List<String[]>> batchesByShard = new HashMap<>();
        journal.forEach(b ->
                batchesByShard.computeIfAbsent(b[1], k -> new ArrayList<>()).add(b));
        Map<String, Integer> nextBatch = new HashMap<>();
        Map<String, Integer> leftInBatch = new HashMap<>();
        List<Delivery> out = new ArrayList<>(ledger.size());
        for (String[] line : ledger) {
            String shard = line[1];
            List<String[]> batches = batchesByShard.getOrDefault(shard, List.of());
            int batch = nextBatch.getOrDefault(shard, 0);
            Outcome outcome = Outcome.UNFINISHED;
            if (batch < batches.size()) {
                String[] b = batches.get(batch);
                int left = leftInBatch.getOrDefault(shard, Integer.parseInt(b[4])) - 1;
                outcome = switch (b[5]) {
                    case "ok" -> Outcome.OK;
                    case "lost" -> Outcome.FENCED;
                    default -> Outcome.FAILED;
                };
                if (left == 0) {
                    nextBatch.put(shard, batch + 1);
                    leftInBatch.remove(shard);
                } else {
                    leftInBatch.put(shard, left);
                }
            }
            out.add(new Delivery(line[0], shard, line[2], line[3], Long.parseLong(line[4]), outcome));
        }
        return out;
    }

    List<Delivery> deliveries() {
        return deliveries;
    }

    Set<String> distinctData() {
        Set<String> seen = new java.util.HashSet<>();
        deliveries.forEach(d -> seen.add(d.data()));
        return seen;
    }

    /**
     * Records checkpointed twice: delivered in two batches whose checkpoints both succeeded. Fencing forbids it (a
     * new owner starts after the last checkpoint, and an old owner's checkpoint fails once the lease has moved), and a
     * graceful handoff must not cause it either.
     */
    List<String> checkpointedTwice() {
        Map<String, Long> ok = new TreeMap<>();
        deliveries.stream()
                .filter(d -> d.outcome() == Outcome.OK)
                .forEach(d -> ok.merge(d.shard() + "/" + d.sequenceNumber() + "/" + d.data(), 1L, Long::sum));
        return ok.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The extra deliveries, each put down to the outcome of its batch: a record delivered k times has k - 1 extra
     * deliveries, and these are the ones not checkpointed (preferring the earliest), since at most one can be.
     */
    Map<Outcome, Integer> duplicatesByCause() {
        Map<String, List<Delivery>> byRecord = new HashMap<>();
        deliveries.forEach(d -> byRecord.computeIfAbsent(
                        d.shard() + "/" + d.sequenceNumber() + "/" + d.data(), k -> new ArrayList<>())
                .add(d));
        Map<Outcome, Integer> causes = new TreeMap<>();
        for (List<Delivery> same : byRecord.values()) {
            if (same.size() < 2) {
                continue;
            }
            List<Delivery> ordered = new ArrayList<>(same);
            ordered.sort(Comparator.comparing((Delivery d) -> d.outcome() == Outcome.OK)
                    .thenComparingLong(Delivery::millis));
            for (Delivery extra : ordered.subList(0, ordered.size() - 1)) {
                causes.merge(extra.outcome(), 1, Integer::sum);
            }
        }
        return causes;
    }

    /** Per shard, the first delivery of each record in delivery time; empty if that follows sequence order. */
    List<String> outOfOrder() {
        Map<String, List<Delivery>> byShard = new HashMap<>();
        deliveries.forEach(
                d -> byShard.computeIfAbsent(d.shard(), k -> new ArrayList<>()).add(d));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<Delivery>> shard : byShard.entrySet()) {
            List<Delivery> inTime = new ArrayList<>(shard.getValue());
            inTime.sort(Comparator.comparingLong(Delivery::millis)); // stable: file order within a worker
            Set<String> seen = new java.util.HashSet<>();
            BigInteger previous = BigInteger.valueOf(-1);
            for (Delivery d : inTime) {
                if (seen.add(d.sequenceNumber())) {
                    BigInteger sequence = new BigInteger(d.sequenceNumber());
                    if (sequence.compareTo(previous) <= 0) {
                        problems.add(shard.getKey() + ": " + d.sequenceNumber() + " first delivered after " + previous);
                    }
                    previous = sequence.max(previous);
                }
            }
        }
        return problems;
    }
}
