package dev.kcl.internal.consumer;

import dev.kcl.KinesisRecord;
import dev.kcl.checkpoint.Checkpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which records of a batch are done when several lanes process it out of order: the low watermark is the last
 * record such that it and every record before it are done, so a checkpoint there never passes an unfinished record.
 * Thread-safe: lanes mark records from their own threads.
 */
final class WatermarkTracker {
    private final List<KinesisRecord> records;
    private final boolean[] done; // guarded by this
    private int prefix; // guarded by this: records[0..prefix) are all done

    /** @param records the batch, in sequence order */
    WatermarkTracker(List<KinesisRecord> records) {
        this.records = List.copyOf(records);
        this.done = new boolean[records.size()];
    }

    /** Marks the record at {@code index} (its place in the batch) done. */
    synchronized void complete(int index) {
        done[index] = true;
        while (prefix < done.length && done[prefix]) {
            prefix++;
        }
    }

    /** Whether the record at {@code index} is done. */
    synchronized boolean isDone(int index) {
        return done[index];
    }

    /** The last record that it and all before it are done, if any. */
    synchronized Optional<Checkpoint.After> watermark() {
        if (prefix == 0) {
            return Optional.empty();
        }
        KinesisRecord last = records.get(prefix - 1);
        return Optional.of(Checkpoint.After.of(last.sequenceNumber(), last.subSequenceNumber()));
    }

    /** The records not done yet, in batch order. */
    synchronized List<KinesisRecord> unfinished() {
        List<KinesisRecord> out = new ArrayList<>();
        for (int i = 0; i < done.length; i++) {
            if (!done[i]) {
                out.add(records.get(i));
            }
        }
        return out;
    }

    synchronized boolean allDone() {
        return prefix == done.length;
    }
}
