package dev.kcl.samples;

import dev.kcl.InitializationInput;
import dev.kcl.LeaseLostInput;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link ConsumerApp} prints while it consumes a stream: the orders its processors handled, once per report
 * interval, and totals when it stops.
 *
 * <p>Thread-safe: processors count on the worker's threads, reports run on another. Each {@link OrderProcessor} is
 * only read on its own thread, in its final call, so the processor itself needs no locking.
 */
final class OrderProgress {
    private final AtomicLong orders = new AtomicLong();
    private final Set<String> customers = ConcurrentHashMap.newKeySet();
    private long lastOrders = -1; // confined to the reporting thread
    private List<String> lastShards = List.of(); // confined to the reporting thread

    /** Wraps {@code processor} so its batches are counted; every call reaches it unchanged. */
    RecordProcessor track(OrderProcessor processor) {
        return new RecordProcessor() {
            @Override
            public void initialize(InitializationInput input) {
                processor.initialize(input);
            }

            @Override
            public void processRecords(ProcessRecordsInput input) {
                processor.processRecords(input);
                orders.addAndGet(input.records().size());
            }

            @Override
            public void leaseLost(LeaseLostInput input) {
                processor.leaseLost(input);
                finished();
            }

            @Override
            public void shardEnded(ShardEndedInput input) {
                processor.shardEnded(input);
                finished();
            }

            @Override
            public void shutdownRequested(ShutdownRequestedInput input) {
                processor.shutdownRequested(input);
                finished();
            }

            private void finished() {
                customers.addAll(processor.ordersByCustomer().keySet());
            }
        };
    }

    /**
     * A progress line when the count or the worker's shards changed since the last one; call it from one thread.
     *
     * @param shardIds the shards the worker holds now
     */
    Optional<String> report(List<String> shardIds) {
        long now = orders.get();
        List<String> shards = shardIds.stream().sorted().toList();
        if (now == lastOrders && shards.equals(lastShards)) {
            return Optional.empty();
        }
        String line = String.format(
                Locale.ROOT, "processed %d orders (+%d), holding %s", now, now - Math.max(0, lastOrders), shards);
        lastOrders = now;
        lastShards = shards;
        return Optional.of(line);
    }

    /** Totals, once every processor had its final call (after {@code Worker.shutdown}). */
    String summary() {
        return String.format(
                Locale.ROOT, "summary: processed %d orders from %d customers", orders.get(), customers.size());
    }
}
