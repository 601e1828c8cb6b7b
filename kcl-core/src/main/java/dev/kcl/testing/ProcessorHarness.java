package dev.kcl.testing;

import dev.kcl.InitializationInput;
import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostInput;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import java.util.List;
import java.util.Objects;

/**
 * Drives a {@link RecordProcessor} through its lifecycle as a worker would, without AWS: initialize, batches, then
 * one final call. It enforces the lifecycle rules (no batch before initialize, nothing after the final call) and
 * gives the processor a {@link RecordingCheckpointer} that validates as the real one.
 *
 * <pre>{@code
 * ProcessorHarness harness = ProcessorHarness.of(new OrderProcessor(), "shardId-000000000000");
 * harness.initialize();
 * harness.deliver(records.records("order-1", "order-2"));
 * harness.endShard();
 * assertThat(harness.checkpointer().checkpoints()).endsWith("SHARD_END");
 * }</pre>
 *
 * <p>Not thread-safe: drive it from the test's thread.
 */
public final class ProcessorHarness {
    private enum Phase {
        NEW,
        ACTIVE,
        DONE
    }

    private final RecordProcessor processor;
    private final String shardId;
    private final RecordingCheckpointer checkpointer;
    private Phase phase = Phase.NEW;

    private ProcessorHarness(RecordProcessor processor, String shardId) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.checkpointer = new RecordingCheckpointer(shardId);
    }

    public static ProcessorHarness of(RecordProcessor processor, String shardId) {
        return new ProcessorHarness(processor, shardId);
    }

    public RecordingCheckpointer checkpointer() {
        return checkpointer;
    }

    /** Calls {@code initialize} with a shard starting at TRIM_HORIZON. */
    public ProcessorHarness initialize() {
        require(Phase.NEW, "initialize");
        processor.initialize(new InitializationInput(shardId, "TRIM_HORIZON"));
        phase = Phase.ACTIVE;
        return this;
    }

    /** Delivers a batch, as the worker does; exceptions from the processor propagate to the test. */
    public ProcessorHarness deliver(List<KinesisRecord> records) {
        return deliver(records, 0);
    }

    /** Delivers a batch with the given lag. */
    public ProcessorHarness deliver(List<KinesisRecord> records, long millisBehindLatest) {
        require(Phase.ACTIVE, "deliver");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a worker never delivers an empty batch");
        }
        checkpointer.delivered(records.get(records.size() - 1));
        processor.processRecords(new ProcessRecordsInput(records, checkpointer, millisBehindLatest));
        return this;
    }

    /** The shard has ended: calls {@code shardEnded}, which must checkpoint SHARD_END. */
    public ProcessorHarness endShard() {
        require(Phase.ACTIVE, "endShard");
        checkpointer.shardEnded();
        processor.shardEnded(new ShardEndedInput(checkpointer));
        phase = Phase.DONE;
        if (!"SHARD_END".equals(checkpointer.current())) {
            throw new AssertionError(shardId + ": shardEnded did not checkpoint SHARD_END "
                    + "(call input.checkpointer().checkpoint()); a worker would call it again");
        }
        return this;
    }

    /** The worker shuts down or hands the shard over: calls {@code shutdownRequested}. */
    public ProcessorHarness requestShutdown() {
        require(Phase.ACTIVE, "requestShutdown");
        processor.shutdownRequested(new ShutdownRequestedInput(checkpointer));
        phase = Phase.DONE;
        return this;
    }

    /** Another worker took the shard: calls {@code leaseLost}. */
    public ProcessorHarness loseLease() {
        require(Phase.ACTIVE, "loseLease");
        processor.leaseLost(new LeaseLostInput());
        phase = Phase.DONE;
        return this;
    }

    private void require(Phase expected, String call) {
        if (phase != expected) {
            throw new IllegalStateException(call + " is not allowed now: the processor is "
                    + (phase == Phase.NEW ? "not initialized" : phase == Phase.DONE ? "finished" : "active"));
        }
    }
}
