package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Runs the sample briefly on the embedded local stack, as the README's "run it" command does, and reads its output. */
class ConsumerAppIT {

    static String run(boolean fanOut, LocalDemo.Summary[] summary) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AppConfig config = new AppConfig(
                Optional.empty(),
                fanOut ? "sample-fanout" : "sample",
                fanOut,
                "sample-consumer",
                InitialPosition.trimHorizon(),
                6,
                200);
        summary[0] = LocalDemo.run(config, out);
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return output;
    }

    @Test
    void thePollingDemoDeliversEveryOrderOnceAndInOrderAcrossASplit() throws Exception {
        LocalDemo.Summary[] summary = new LocalDemo.Summary[1];

        String output = run(false, summary);

        assertThat(summary[0].ok()).isTrue();
        assertThat(summary[0].lost()).isZero();
        assertThat(summary[0].orderViolations()).isZero();
        assertThat(summary[0].duplicates()).isZero();
        assertThat(output)
                .contains(
                        "two workers, polling",
                        "<< split shardId-000000000000",
                        "worker-a:",
                        "worker-b:",
                        "lost 0, duplicates 0, order violations 0: OK");
    }
}
