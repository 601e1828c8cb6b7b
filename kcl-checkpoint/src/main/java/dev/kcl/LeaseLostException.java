package dev.kcl;

/**
 * This worker no longer holds the shard's lease: another worker took it over (after a failover or a handoff), so
 * this worker's checkpoint was not written (unless an earlier attempt of the same checkpoint got no answer and went
 * through after all; the message says when that may be so). Stop processing the shard; its records will be delivered
 * to the new owner from the last checkpoint.
 */
public class LeaseLostException extends KclException {
    private static final long serialVersionUID = 1L;

    private final String shardId;

    public LeaseLostException(String shardId, String message) {
        super(shardId + ": " + message);
        this.shardId = shardId;
    }

    /** The shard whose lease was lost. */
    public String shardId() {
        return shardId;
    }
}
