package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalKinesisBuilderTest {

    @Test
    void rejectsBadSettingsNamingTheField() {
        assertThatThrownBy(() -> LocalKinesis.builder().shardLimit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardLimit");
        assertThatThrownBy(() -> LocalKinesis.builder().reshardDuration(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshardDuration");
        assertThatThrownBy(() -> LocalKinesis.builder().startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startTimeout");
        assertThatThrownBy(() -> LocalKinesis.builder().logLevel(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logLevel");
    }

    @Test
    void aMissingNodeIsReportedWithWhatToInstall() {
        String previous = System.getProperty("kcl.testkit.node");
        System.setProperty("kcl.testkit.node", "/nonexistent/node");
        try {
            assertThatThrownBy(KinesisMockInstallation::checkNode)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Node.js 18 or newer with npm")
                    .hasMessageContaining("not on the PATH");
        } finally {
            if (previous == null) {
                System.clearProperty("kcl.testkit.node");
            } else {
                System.setProperty("kcl.testkit.node", previous);
            }
        }
    }
}
