package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No emulator outlives the JVM that started it: not after close(), not after a test run whose test failed, and not
 * after kill -9 of that JVM.
 */
class ProcessCleanupIT {

    @Test
    void closeStopsTheEmulator() {
        LocalKinesis kinesis = LocalKinesis.start();
        long pid = kinesis.pid();
        assertThat(isAlive(pid)).isTrue();

        kinesis.close();

        assertThat(isAlive(pid)).isFalse();
    }

    @Test
    void aTestRunWhoseTestFailedLeavesNoEmulatorBehind(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // Given a separate JVM running a test on the shared stack that fails
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path output = dir.resolve("run.log");
        Process jvm = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        FailingStackRunMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean exited = jvm.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            jvm.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);

        // Then the run reported the failure, ended on its own, and took the emulator with it
        assertThat(exited).as("the run ended; it printed:%n%s", log).isTrue();
        assertThat(log).contains("failed=1");
        Matcher pid = Pattern.compile("kinesis-pid=(\\d+)").matcher(log);
        assertThat(pid.find()).as("the emulator's pid was printed:%n%s", log).isTrue();
        long kinesisPid = Long.parseLong(pid.group(1));
        Polling.until(
                "kinesis-local (pid " + kinesisPid + ") to exit",
                Duration.ofSeconds(15),
                Duration.ofMillis(100),
                () -> !isAlive(kinesisPid));
    }

    @Test
    void killingTheJvmStopsTheEmulator() throws Exception {
        // Given a separate JVM that started a local Kinesis
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KinesisHolderMain.class.getName())
                .redirectErrorStream(true)
                .start();
        long kinesisPid;
        try {
            kinesisPid = readKinesisPid(jvm);
            assertThat(isAlive(kinesisPid)).isTrue();
        } catch (RuntimeException | AssertionError e) {
            jvm.destroyForcibly();
            throw e;
        }

        // When that JVM is killed with SIGKILL, so no shutdown hook runs
        jvm.destroyForcibly();
        assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // Then the emulator notices its parent is gone and exits by itself
        Polling.until(
                "kinesis-local (pid " + kinesisPid + ") to exit",
                Duration.ofSeconds(15),
                Duration.ofMillis(100),
                () -> !isAlive(kinesisPid));
    }

    private static long readKinesisPid(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("kinesis-pid=")) {
                long pid =
                        Long.parseLong(line.substring("kinesis-pid=".length()).trim());
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // the child is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return pid;
            }
        }
        throw new IllegalStateException("the child JVM exited without starting a local Kinesis:\n" + seen);
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
