package dev.kcl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.leases.StoredCheckpoint;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

    @Test
    void encodesToKclsSentinelsAndBack() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (Checkpoint checkpoint : new Checkpoint[] {
            new Checkpoint.TrimHorizon(),
            new Checkpoint.Latest(),
            new Checkpoint.AtTimestamp(at),
            new Checkpoint.ShardEnd(),
            Checkpoint.After.of(SEQ, 0),
            Checkpoint.After.of(SEQ, 7)
        }) {
            assertThat(Checkpoint.fromStored(checkpoint.toStored(), Optional.of(at)))
                    .isEqualTo(checkpoint);
        }
        assertThat(new Checkpoint.TrimHorizon().toStored()).isEqualTo(StoredCheckpoint.of("TRIM_HORIZON"));
        assertThat(new Checkpoint.AtTimestamp(at).toStored()).isEqualTo(StoredCheckpoint.atTimestamp(at));
        assertThat(new Checkpoint.AtTimestamp(at).toStored().sequenceNumber()).isEqualTo("AT_TIMESTAMP");
        assertThat(Checkpoint.After.of(SEQ, 7).toStored()).isEqualTo(new StoredCheckpoint(SEQ, 7));
    }

    @Test
    void aTimeStoredWithTheLeaseWinsOverTheConfiguredOne() {
        Instant configured = Instant.parse("2026-01-01T00:00:00Z");
        Instant stored = Instant.parse("2026-11-21T09:30:00Z");

        assertThat(Checkpoint.fromStored(StoredCheckpoint.atTimestamp(stored), Optional.of(configured)))
                .isEqualTo(new Checkpoint.AtTimestamp(stored));
        assertThat(Checkpoint.fromStored(StoredCheckpoint.atTimestamp(stored), Optional.empty()))
                .isEqualTo(new Checkpoint.AtTimestamp(stored));
        assertThat(Checkpoint.fromStored(StoredCheckpoint.of("AT_TIMESTAMP"), Optional.of(configured)))
                .isEqualTo(new Checkpoint.AtTimestamp(configured));
    }

    @Test
    void atTimestampNeedsTheConfiguredTime() {
        assertThatThrownBy(() -> Checkpoint.fromStored(StoredCheckpoint.of("AT_TIMESTAMP"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AT_TIMESTAMP");
    }

    @Test
    void rejectsWhatIsNeitherASequenceNumberNorASentinel() {
        assertThatThrownBy(() -> Checkpoint.fromStored(StoredCheckpoint.of("-1"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-1'");
        assertThatThrownBy(() -> SequenceNumber.parse("12a")).hasMessageContaining("'12a'");
        assertThatThrownBy(() -> SequenceNumber.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersBySequenceThenSubSequence() {
        assertThat(Checkpoint.After.of("9", 5)).isLessThan(Checkpoint.After.of("10", 0));
        assertThat(Checkpoint.After.of(SEQ, 1)).isLessThan(Checkpoint.After.of(SEQ, 2));
        assertThat(Checkpoint.After.of(SEQ, 2)).isEqualByComparingTo(Checkpoint.After.of(SEQ, 2));
    }
}
