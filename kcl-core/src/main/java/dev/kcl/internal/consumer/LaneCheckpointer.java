package dev.kcl.internal.consumer;

import dev.kcl.Checkpointer;
import dev.kcl.KinesisRecord;
import dev.kcl.PreparedCheckpoint;
import dev.kcl.checkpoint.Checkpoint;
import java.util.List;

/**
 * The checkpointer a lane's processor gets with parallelism above 1: a checkpoint marks the lane's records up to it
 * finished, and kcl checkpoints the low watermark across lanes itself, so one lane can never checkpoint past another
 * lane's unfinished records. Prepared checkpoints are not available in lanes.
 */
final class LaneCheckpointer implements Checkpointer {
    private final String shardId;
    private final List<KinesisRecord> records;
    private final List<Integer> indices;
    private final WatermarkTracker tracker;

    LaneCheckpointer(String shardId, List<KinesisRecord> records, List<Integer> indices, WatermarkTracker tracker) {
        this.shardId = shardId;
        this.records = records;
        this.indices = indices;
        this.tracker = tracker;
    }

    /**
     * For {@code shutdownRequested} with lanes: kcl has already checkpointed every finished record, and a processor's
     * checkpoint there must not pass records a lane has yet to finish, so its calls change nothing.
     */
    static LaneCheckpointer finishedOnly(String shardId) {
        return new LaneCheckpointer(shardId, List.of(), List.of(), new WatermarkTracker(List.of()));
    }

    @Override
    public void checkpoint() {
        indices.forEach(tracker::complete);
    }

    @Override
    public void checkpoint(KinesisRecord record) {
        checkpoint(record.sequenceNumber(), record.subSequenceNumber());
    }

    @Override
    public void checkpoint(String sequenceNumber, long subSequenceNumber) {
        Checkpoint.After through = Checkpoint.After.of(sequenceNumber, subSequenceNumber);
        for (int i : indices) {
            KinesisRecord r = records.get(i);
            if (Checkpoint.After.of(r.sequenceNumber(), r.subSequenceNumber()).compareTo(through) > 0) {
                return;
            }
            tracker.complete(i);
        }
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint() {
        throw unsupported();
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint(KinesisRecord record) {
        throw unsupported();
    }

    @Override
    public PreparedCheckpoint prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
        throw unsupported();
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(shardId + ": prepared checkpoints are not available with parallelism "
                + "above 1; kcl checkpoints the finished records of all lanes itself");
    }
}
