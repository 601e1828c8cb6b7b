package dev.kcl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.KclException;
import dev.kcl.RetryableKclException;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.leases.LeaseWrite;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.leases.memory.InMemoryLeaseTable;
import dev.kcl.time.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ShardCheckpointerTest extends ShardCheckpointerContract {
    private final InMemoryLeaseTable table = new InMemoryLeaseTable();

    @Override
    protected LeaseTable table() {
        return table;
    }

    /** A store that fails the next writes, to exercise retries; counts writes. */
    private static final class FlakyStore implements CheckpointStore {
        final CheckpointStore delegate;
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile boolean retryable = true;
        final AtomicInteger writes = new AtomicInteger();

        FlakyStore(CheckpointStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Lease> lease(String leaseKey) {
            return delegate.lease(leaseKey);
        }

        @Override
        public LeaseWrite update(String leaseKey, UnaryOperator<Lease> change) {
            writes.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new LeaseTableException("UpdateItem on lease table app was throttled", retryable);
            }
            return delegate.update(leaseKey, change);
        }
    }

    private final List<Duration> sleeps = new ArrayList<>();

    private ShardCheckpointer checkpointerOver(FlakyStore store) {
        return new ShardCheckpointer(
                SHARD,
                StoredCheckpoint.of("TRIM_HORIZON"),
                store,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 5),
                sleeps::add);
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        FlakyStore store = new FlakyStore(CheckpointStore.of(table, ME));
        ShardCheckpointer checkpointer = checkpointerOver(store);
        checkpointer.delivered(S1, 0);
        store.failuresLeft.set(3);

        checkpointer.checkpoint();

        assertThat(table.get(SHARD).orElseThrow().checkpoint()).contains(StoredCheckpoint.of(S1));
        assertThat(store.writes).hasValue(4);
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(2)).isLessThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void retriesRunOutWithARetryableException() {
        FlakyStore store = new FlakyStore(CheckpointStore.of(table, ME));
        ShardCheckpointer checkpointer = checkpointerOver(store);
        checkpointer.delivered(S1, 0);
        store.failuresLeft.set(100);

        assertThatThrownBy(checkpointer::checkpoint)
                .isInstanceOf(RetryableKclException.class)
                .hasMessageContaining(SHARD)
                .hasMessageContaining(S1)
                .hasMessageContaining("5 attempts");
        assertThat(store.writes).hasValue(5);
    }

    @Test
    void aFailureRetriesCannotFixIsReportedAtOnce() {
        FlakyStore store = new FlakyStore(CheckpointStore.of(table, ME));
        store.retryable = false;
        ShardCheckpointer checkpointer = checkpointerOver(store);
        checkpointer.delivered(S1, 0);
        store.failuresLeft.set(1);

        assertThatThrownBy(checkpointer::checkpoint)
                .isInstanceOf(KclException.class)
                .isNotInstanceOf(RetryableKclException.class);
        assertThat(store.writes).hasValue(1);
    }

    @Test
    void checkpointingTheSamePositionTwiceWritesOnce() {
        FlakyStore store = new FlakyStore(CheckpointStore.of(table, ME));
        ShardCheckpointer checkpointer = checkpointerOver(store);
        checkpointer.delivered(S2, 0);

        checkpointer.checkpoint();
        checkpointer.checkpoint();
        checkpointer.checkpoint(S2, 0);

        assertThat(store.writes).hasValue(1);
    }
}
