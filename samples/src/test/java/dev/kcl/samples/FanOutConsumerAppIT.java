package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The fan-out sample, briefly, on the embedded local stack's HTTP/2 endpoint. */
class FanOutConsumerAppIT {

    @Test
    void theFanOutDemoDeliversEveryOrder() throws Exception {
        LocalDemo.Summary[] summary = new LocalDemo.Summary[1];

        String output = ConsumerAppIT.run(true, summary);

        assertThat(summary[0].ok()).isTrue();
        assertThat(summary[0].duplicates()).isZero();
        assertThat(output)
                .contains(
                        "enhanced fan-out (HTTP/2)",
                        "<< split shardId-000000000000",
                        "lost 0, duplicates 0, order violations 0: OK");
    }
}
