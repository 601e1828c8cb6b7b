package dev.kcl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.LeaseLostException;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseConfig;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseListener;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.time.Backoff;
import dev.kcl.time.FakeTime;
import dev.kcl.time.ManualScheduler;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production path: checkpoints written through the lease coordinator of the worker that holds the lease. */
class CoordinatorCheckpointStoreTest {
    private static final String SHARD = "shardId-000000000000";
    private final FakeTime time = new FakeTime();
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final InMemoryLeaseTable table = new InMemoryLeaseTable();
    private final LeaseConfig config = LeaseConfig.defaults();
    private LeaseCoordinator coordinator;
    private ShardCheckpointer checkpointer;

    @BeforeEach
    void holdTheLease() {
        table.create(Lease.create(SHARD, StoredCheckpoint.of("TRIM_HORIZON"), Set.of()));
        coordinator = new LeaseCoordinator(
                "a",
                table,
                table,
                config,
                new LeaseListener() {
                    @Override
                    public void leaseGained(Lease lease) {}

                    @Override
                    public void leaseLost(String leaseKey, String reason) {}

                    @Override
                    public void handoffRequested(Lease lease) {}
                },
                time,
                scheduler);
        coordinator.start();
        for (int i = 0; i < 10 && !coordinator.holds(SHARD); i++) {
            time.advance(Duration.ofMillis(100));
            scheduler.runDueTasks();
        }
        assertThat(coordinator.holds(SHARD)).isTrue();
        checkpointer = new ShardCheckpointer(
                SHARD,
                StoredCheckpoint.of("TRIM_HORIZON"),
                CheckpointStore.of(coordinator),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 3),
                d -> {});
    }

    @Test
    void checkpointsGoThroughTheCoordinator() {
        checkpointer.delivered("100", 0);

        checkpointer.checkpoint();

        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("100"));
        assertThat(coordinator.heldLease(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("100"));
    }

    @Test
    void aLeaseTakenByAnotherWorkerCannotBeCheckpointed() {
        checkpointer.delivered("100", 0);
        table.assign(table.get(SHARD).orElseThrow(), "b");

        assertThatThrownBy(checkpointer::checkpoint).isInstanceOf(LeaseLostException.class);
        scheduler.runDueTasks();
        assertThat(coordinator.holds(SHARD)).isFalse();
    }

    @Test
    void aCheckpointForAnEarlierHoldingIsRefusedOnceTheLeaseWasLostAndRegained() {
        // Given a consumer of the holding with this counter, the one each consumer's store is built for
        long firstHolding = coordinator.heldLease(SHARD).orElseThrow().counter();
        ShardCheckpointer earlier = checkpointerFor(firstHolding);
        earlier.delivered("100", 0);

        // When the lease goes to another worker and comes back to this one before that consumer checkpoints
        table.assign(table.get(SHARD).orElseThrow(), "b");
        table.assign(table.get(SHARD).orElseThrow(), "a");
        for (int i = 0;
                i < 20
                        && coordinator
                                .heldLease(SHARD)
                                .map(l -> l.counter() == firstHolding)
                                .orElse(true);
                i++) {
            time.advance(Duration.ofMillis(100));
            scheduler.runDueTasks();
        }
        long secondHolding = coordinator.heldLease(SHARD).orElseThrow().counter();
        assertThat(secondHolding).isNotEqualTo(firstHolding);

        // Then the earlier consumer's checkpoint is refused and leaves the lease alone, while the new one's is written
        assertThatThrownBy(earlier::checkpoint).isInstanceOf(LeaseLostException.class);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        ShardCheckpointer current = checkpointerFor(secondHolding);
        current.delivered("90", 0);
        current.checkpoint();
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("90"));
        assertThat(coordinator.holds(SHARD)).isTrue();
    }

    private ShardCheckpointer checkpointerFor(long counter) {
        return new ShardCheckpointer(
                SHARD,
                StoredCheckpoint.of("TRIM_HORIZON"),
                CheckpointStore.of(coordinator, counter),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 3),
                d -> {});
    }

    @Test
    void aWorkerWhoseHeartbeatIsStaleCannotCheckpoint() {
        checkpointer.delivered("100", 0);

        time.advance(config.selfFenceAfter()); // no heartbeat written meanwhile (the lease thread was stuck)

        assertThatThrownBy(checkpointer::checkpoint).isInstanceOf(LeaseLostException.class);
        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }
}
