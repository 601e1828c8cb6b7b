package dev.kcl.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.time.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FanOutConfigTest {

    @Test
    void defaultsResubscribeWithinFiveSeconds() {
        FanOutConfig config = FanOutConfig.builder("app").build();

        assertThat(config.resubscribeBackoff().max()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxPendingEvents()).isEqualTo(2);
        assertThat(config.warnAfterFailures()).isEqualTo(3);
    }

    @Test
    void aResubscribeBackoffCappedAtFiveSecondsIsAccepted() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), 1);

        assertThat(FanOutConfig.builder("app")
                        .resubscribeBackoff(backoff)
                        .build()
                        .resubscribeBackoff())
                .isEqualTo(backoff);
    }

    @Test
    void aResubscribeBackoffAboveFiveSecondsIsRejectedNamingTheSetting() {
        FanOutConfig.Builder builder = FanOutConfig.builder("app")
                .resubscribeBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Integer.MAX_VALUE));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resubscribeBackoff")
                .hasMessageContaining("PT30S");
    }

    @Test
    void aConsumerNameKinesisWouldRefuseIsRejected() {
        assertThatThrownBy(() -> FanOutConfig.builder("orders app").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumerName");
    }
}
