package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the executable jar as the README's quick start does ({@code java -jar samples/target/kcl-sample.jar}), briefly,
 * and reads its output.
 */
class ConsumerAppIT {
    /** A short demo: 6 s at 200 orders/s, as KCL_DEMO_SECONDS and KCL_DEMO_RATE allow. */
    static final Map<String, String> SHORT_DEMO = Map.of("KCL_DEMO_SECONDS", "6", "KCL_DEMO_RATE", "200");

    @Test
    void theExecutableJarRunsThePollingDemoAndEveryOrderArrivesOnceAndInOrderAcrossASplit() throws Exception {
        try (SampleProcess app = SampleProcess.start(
                "ConsumerApp-demo", List.of("-jar", SampleProcess.jar().toString()), SHORT_DEMO)) {
            int status = app.awaitExit(Duration.ofMinutes(3));

            String output = app.output();
            assertThat(status).as("exit status; output:%n%s", output).isZero();
            assertThat(output).contains("two workers, polling", "6 s");
            DemoOutput.assertEveryOrderArrivedOnceAndInOrder(output);
        }
    }
}
