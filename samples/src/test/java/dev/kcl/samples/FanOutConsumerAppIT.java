package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fan-out sample's main class, from the executable jar, briefly, on the embedded stack's HTTP/2 endpoint. */
class FanOutConsumerAppIT {

    @Test
    void theFanOutDemoDeliversEveryOrderOnceAndInOrderAcrossASplit() throws Exception {
        try (SampleProcess app = SampleProcess.start(
                "FanOutConsumerApp-demo",
                List.of("-cp", SampleProcess.jar().toString(), FanOutConsumerApp.class.getName()),
                ConsumerAppIT.SHORT_DEMO)) {
            int status = app.awaitExit(Duration.ofMinutes(3));

            String output = app.output();
            assertThat(status).as("exit status; output:%n%s", output).isZero();
            assertThat(output).contains("two workers, enhanced fan-out (HTTP/2)");
            DemoOutput.assertEveryOrderArrivedOnceAndInOrder(output);
        }
    }
}
