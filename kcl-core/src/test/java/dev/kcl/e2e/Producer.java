package dev.kcl.e2e;

import dev.kcl.testkit.StreamAdmin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** Writes numbered records in small batches on its own thread until stopped. */
final class Producer implements AutoCloseable {
    private final StreamAdmin admin;
    private final String stream;
    private final int batch;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger produced = new AtomicInteger();
    private final Thread thread;

    Producer(StreamAdmin admin, String stream, int batch, long pauseMillis) {
        this.admin = admin;
        this.stream = stream;
        this.batch = batch;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "producer-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running.get()) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            int from = produced.get();
            for (int i = from; i < from + batch; i++) {
                entries.add(PutRecordsRequestEntry.builder()
                        .partitionKey("key-" + i)
                        .data(SdkBytes.fromString("record-" + i, StandardCharsets.UTF_8))
                        .build());
            }
            try {
                admin.put(stream, entries);
                produced.addAndGet(batch);
            } catch (RuntimeException e) {
                continue; // the stream may be resharding: put the same records again
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    int produced() {
        return produced.get();
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops after the batch in flight. */
    void stop() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
