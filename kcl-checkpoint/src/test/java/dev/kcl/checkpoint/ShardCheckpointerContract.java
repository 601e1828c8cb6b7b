package dev.kcl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostException;
import dev.kcl.PreparedCheckpoint;
import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.StoredCheckpoint;
import dev.kcl.time.Backoff;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a shard's checkpointer does against a lease table: run on the in-memory table and on DynamoDB Local. */
public abstract class ShardCheckpointerContract {
    static final String SHARD = "shardId-000000000000";
    static final String ME = "worker-a";
    static final String S1 = "49590338271490256608559692538361571095921575989136588801";
    static final String S2 = "49590338271490256608559692538361571095921575989136588802";
    static final String S3 = "49590338271490256608559692538361571095921575989136588803";

    protected abstract LeaseTable table();

    private ShardCheckpointer checkpointer;

    @BeforeEach
    void createLease() {
        Lease lease = Lease.create(SHARD, StoredCheckpoint.of("TRIM_HORIZON"), Set.of());
        table().create(lease);
        table().assign(lease, ME);
        checkpointer = new ShardCheckpointer(
                SHARD,
                StoredCheckpoint.of("TRIM_HORIZON"),
                CheckpointStore.of(table(), ME),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 3),
                duration -> {});
    }

    private Lease stored() {
        return table().get(SHARD).orElseThrow();
    }

    static KinesisRecord record(String sequence, long sub) {
        return new KinesisRecord(
                "key", sequence, sub, Instant.EPOCH, ByteBuffer.allocate(0), Optional.empty(), sub > 0);
    }

    @Test
    void checkpointsEverythingDeliveredSoFar() {
        checkpointer.delivered(S2, 0);

        checkpointer.checkpoint();

        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of(S2));
        assertThat(stored().ownerSwitchesSinceCheckpoint()).isZero();
        assertThat(checkpointer.committed()).isEqualTo(StoredCheckpoint.of(S2));
    }

    @Test
    void nothingDeliveredMeansNothingToCheckpoint() {
        checkpointer.checkpoint();

        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void checkpointsInsideAnAggregatedRecord() {
        checkpointer.delivered(S1, 4);

        checkpointer.checkpoint(record(S1, 2));

        assertThat(stored().checkpoint()).contains(new StoredCheckpoint(S1, 2));
        checkpointer.checkpoint(S1, 4);
        assertThat(stored().checkpoint()).contains(new StoredCheckpoint(S1, 4));
    }

    @Test
    void aCheckpointMayNotPassTheLastRecordDelivered() {
        checkpointer.delivered(S2, 0);

        assertThatThrownBy(() -> checkpointer.checkpoint(S3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(S3)
                .hasMessageContaining(S2)
                .hasMessageContaining("passes the last record delivered");
        assertThatThrownBy(() -> checkpointer.checkpoint(S2, 1)).hasMessageContaining(S2 + "/1");
        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void aCheckpointMayNotGoBack() {
        checkpointer.delivered(S3, 0);
        checkpointer.checkpoint(S2, 0);

        assertThatThrownBy(() -> checkpointer.checkpoint(S1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(S1)
                .hasMessageContaining(S2)
                .hasMessageContaining("behind the current checkpoint");
        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of(S2));
    }

    @Test
    void rejectsWhatIsNotASequenceNumber() {
        checkpointer.delivered(S3, 0);

        assertThatThrownBy(() -> checkpointer.checkpoint("LATEST", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'LATEST'");
        assertThatThrownBy(() -> checkpointer.checkpoint(S1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atShardEndOnlyShardEndIsAccepted() {
        checkpointer.delivered(S3, 0);
        checkpointer.shardEnded();

        assertThatThrownBy(() -> checkpointer.checkpoint(S3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHARD_END");
        checkpointer.checkpoint();

        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of("SHARD_END"));
        assertThat(stored().isFinished()).isTrue();
    }

    @Test
    void aLostLeaseCannotBeCheckpointed() {
        checkpointer.delivered(S2, 0);
        table().assign(stored(), "worker-b"); // another worker takes the lease over

        assertThatThrownBy(() -> checkpointer.checkpoint())
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining(SHARD)
                .satisfies(e -> assertThat(((LeaseLostException) e).shardId()).isEqualTo(SHARD));
        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
    }

    @Test
    void aPreparedCheckpointBecomesCurrentOnCommit() {
        checkpointer.delivered(S2, 0);

        PreparedCheckpoint prepared = checkpointer.prepareCheckpoint();

        assertThat(prepared.sequenceNumber()).isEqualTo(S2);
        assertThat(stored().pendingCheckpoint()).contains(StoredCheckpoint.of(S2));
        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of("TRIM_HORIZON"));
        prepared.commit();
        assertThat(stored().checkpoint()).contains(StoredCheckpoint.of(S2));
        assertThat(stored().pendingCheckpoint()).isEmpty();
    }

    @Test
    void aPreparedCheckpointOvertakenByALaterOneCannotBeCommitted() {
        checkpointer.delivered(S3, 0);
        PreparedCheckpoint prepared = checkpointer.prepareCheckpoint(record(S1, 0));
        checkpointer.checkpoint(S2, 0);

        assertThatThrownBy(prepared::commit)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(S1)
                .hasMessageContaining(S2);
    }
}
