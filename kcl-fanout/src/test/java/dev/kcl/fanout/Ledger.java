package dev.kcl.fanout;

import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.RecordProcessorFactory;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records every delivery per shard, checkpointing after each batch. */
final class Ledger implements RecordProcessorFactory {
    record Entry(String sequence, String data, long order, long atMillis, long sentMillis) {}

    private static final AtomicLong ORDER = new AtomicLong();
    final Map<String, List<Entry>> byShard = new ConcurrentHashMap<>();

    @Override
    public RecordProcessor create(String shardId) {
        return new RecordProcessor() {
            @Override
            public void processRecords(ProcessRecordsInput input) {
                List<Entry> list = byShard.computeIfAbsent(shardId, k -> new CopyOnWriteArrayList<>());
                long now = System.currentTimeMillis();
                for (KinesisRecord record : input.records()) {
                    String data = record.dataAsString();
                    int at = data.indexOf('@');
                    long sent = at < 0 ? 0 : Long.parseLong(data.substring(at + 1));
                    list.add(new Entry(
                            record.sequenceNumber(),
                            at < 0 ? data : data.substring(0, at),
                            ORDER.incrementAndGet(),
                            now,
                            sent));
                }
                input.checkpointer().checkpoint();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                input.checkpointer().checkpoint();
            }

            @Override
            public void shutdownRequested(ShutdownRequestedInput input) {
                input.checkpointer().checkpoint();
            }
        };
    }

    int count() {
        return byShard.values().stream().mapToInt(List::size).sum();
    }

    List<String> payloads() {
        List<String> all = new ArrayList<>();
        byShard.values().forEach(list -> list.forEach(e -> all.add(e.data())));
        return all;
    }

    static boolean inOrder(List<Entry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            if (new BigInteger(entries.get(i).sequence())
                            .compareTo(new BigInteger(entries.get(i - 1).sequence()))
                    <= 0) {
                return false;
            }
        }
        return true;
    }
}
