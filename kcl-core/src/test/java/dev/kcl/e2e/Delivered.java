package dev.kcl.e2e;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every delivery, per shard, and checkpoints after each batch: the ledger end-to-end tests check. */
final class Delivered implements RecordProcessorFactory {
    record Delivery(
            String shardId,
            String worker,
            String sequenceNumber,
            long subSequenceNumber,
            String data,
            long order,
            long atNanos) {}

    private static final java.util.concurrent.atomic.AtomicLong ORDER = new java.util.concurrent.atomic.AtomicLong();

    final Map<String, List<Delivery>> byShard = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, Long> shutdownAt = new ConcurrentHashMap<>();
    private final String worker;
    private volatile Predicate<KinesisRecord> failWhen = r -> false;

    Delivered(String worker) {
        this.worker = worker;
    }

    /** The processor throws on batches holding a record that matches, until told otherwise. */
    void failWhen(Predicate<KinesisRecord> predicate) {
        this.failWhen = predicate;
    }

    @Override
    public RecordProcessor create(String shardId) {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                for (KinesisRecord record : input.records()) {
                    if (failWhen.test(record)) {
                        events.add("failed " + shardId + " " + record.sequenceNumber());
                        throw new IllegalStateException("processor failure on " + record.sequenceNumber());
                    }
                }
                List<Delivery> list = byShard.computeIfAbsent(shardId, k -> new CopyOnWriteArrayList<>());
                for (KinesisRecord record : input.records()) {
                    list.add(new Delivery(
                            shardId,
                            worker,
                            record.sequenceNumber(),
                            record.subSequenceNumber(),
                            record.dataAsString(),
                            ORDER.incrementAndGet(),
                            System.nanoTime()));
                }
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                events.add("shardEnded " + shardId);
                input.checkpointer().checkpoint();
            }

            @Override
            public void shutdownRequested(ShutdownRequestedInput input) {
                events.add("shutdownRequested " + shardId);
                shutdownAt.put(shardId, System.nanoTime());
                input.checkpointer().checkpoint();
            }
        };
    }

    int count() {
        return byShard.values().stream().mapToInt(List::size).sum();
    }

    List<String> payloads() {
        List<String> all = new ArrayList<>();
        byShard.values().forEach(list -> list.forEach(d -> all.add(d.data())));
        return all;
    }

    /** True when, in every shard, deliveries come in sequence order. */
    static boolean inOrder(Collection<Delivery> deliveries) {
        Delivery previous = null;
        for (Delivery d : deliveries) {
            if (previous != null) {
                int c = new BigInteger(d.sequenceNumber()).compareTo(new BigInteger(previous.sequenceNumber()));
                if (c < 0 || c == 0 && d.subSequenceNumber() <= previous.subSequenceNumber()) {
                    return false;
                }
            }
            previous = d;
        }
        return true;
    }
}
