package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kcl.InitialPosition;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sample's settings, read from system properties and environment variables as docs/configuration.md lists them. */
class AppConfigTest {

    @Test
    void withNothingSetItRunsTheLocalDemoWithTheDefaults() {
        AppConfig config = AppConfig.load(false, Map.of(), Map.of());

        assertThat(config.stream()).isEmpty();
        assertThat(config.region()).isEmpty();
        assertThat(config.application()).isEqualTo("kcl-sample");
        assertThat(config.fanOut()).isFalse();
        assertThat(config.consumerName()).isEqualTo("kcl-sample");
        assertThat(config.initialPosition()).isEqualTo(InitialPosition.latest());
        assertThat(config.reportSeconds()).isEqualTo(10);
        assertThat(config.demoSeconds()).isEqualTo(30);
        assertThat(config.demoRate()).isEqualTo(400);
    }

    @Test
    void readsEverySettingFromTheEnvironment() {
        AppConfig config = AppConfig.load(
                false,
                Map.of(),
                Map.of(
                        "KCL_STREAM", "orders",
                        "KCL_REGION", "eu-west-1",
                        "KCL_APPLICATION", "orders-app",
                        "KCL_RETRIEVAL", "FanOut",
                        "KCL_CONSUMER_NAME", "orders-consumer",
                        "KCL_INITIAL_POSITION", "trim_horizon",
                        "KCL_REPORT_SECONDS", "2",
                        "KCL_DEMO_SECONDS", "5",
                        "KCL_DEMO_RATE", "50"));

        assertThat(config)
                .isEqualTo(new AppConfig(
                        Optional.of("orders"),
                        Optional.of("eu-west-1"),
                        "orders-app",
                        true,
                        "orders-consumer",
                        InitialPosition.trimHorizon(),
                        2,
                        5,
                        50));
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentVariable() {
        AppConfig config = AppConfig.load(
                false,
                Map.of("kcl.region", "ap-southeast-2", "kcl.stream", "from-property"),
                Map.of("KCL_REGION", "eu-west-1", "KCL_STREAM", "from-env", "KCL_APPLICATION", "from-env"));

        assertThat(config.region()).contains("ap-southeast-2");
        assertThat(config.stream()).contains("from-property");
        assertThat(config.application()).isEqualTo("from-env");
    }

    @Test
    void withoutKclRegionTheRegionIsLeftToTheSdkDefaultChain() {
        // AWS_REGION is the SDK's own setting: AppConfig does not read it, the clients' default region chain does.
        AppConfig config = AppConfig.load(false, Map.of(), Map.of("KCL_STREAM", "orders", "AWS_REGION", "eu-west-1"));

        assertThat(config.region()).isEmpty();
    }

    @Test
    void blankSettingsCountAsUnset() {
        AppConfig config = AppConfig.load(false, Map.of("kcl.region", " "), Map.of("KCL_STREAM", "", "KCL_REGION", ""));

        assertThat(config.stream()).isEmpty();
        assertThat(config.region()).isEmpty();
    }

    @Test
    void theFanOutAppDefaultsToFanOut() {
        assertThat(AppConfig.load(true, Map.of(), Map.of()).fanOut()).isTrue();
        assertThat(AppConfig.load(true, Map.of(), Map.of("KCL_RETRIEVAL", "polling"))
                        .fanOut())
                .isFalse();
    }

    @Test
    void badValuesFailNamingTheSetting() {
        assertThatThrownBy(() -> AppConfig.load(false, Map.of(), Map.of("KCL_REGION", "EU West 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KCL_REGION (kcl.region)");
        assertThatThrownBy(() -> AppConfig.load(false, Map.of(), Map.of("KCL_RETRIEVAL", "push")))
                .hasMessageContaining("KCL_RETRIEVAL (kcl.retrieval) must be polling or fanout");
        assertThatThrownBy(() -> AppConfig.load(false, Map.of(), Map.of("KCL_INITIAL_POSITION", "AT_TIMESTAMP")))
                .hasMessageContaining("KCL_INITIAL_POSITION (kcl.initialPosition) must be LATEST or TRIM_HORIZON");
        assertThatThrownBy(() -> AppConfig.load(false, Map.of("kcl.demo.seconds", "0"), Map.of()))
                .hasMessageContaining("KCL_DEMO_SECONDS (kcl.demo.seconds) must be a positive number, was 0");
        assertThatThrownBy(() -> AppConfig.load(false, Map.of(), Map.of("KCL_REPORT_SECONDS", "soon")))
                .hasMessageContaining("KCL_REPORT_SECONDS (kcl.reportSeconds) must be a positive number");
    }
}
