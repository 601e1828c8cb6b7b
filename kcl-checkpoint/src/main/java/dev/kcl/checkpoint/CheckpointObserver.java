package dev.kcl.checkpoint;

/** Hears how checkpoint writes end, for metrics. Called on the thread that checkpointed; must be quick. */
public interface CheckpointObserver {
    void written(String shardId);

    void failed(String shardId, Throwable cause);

    static CheckpointObserver none() {
        return new CheckpointObserver() {
            @Override
            public void written(String shardId) {}

            @Override
            public void failed(String shardId, Throwable cause) {}
        };
    }
}
