package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The sample's executable jar ({@code target/kcl-sample.jar}, built in the package phase) run in a child JVM, as a
 * user runs it. Its output goes to {@code target/sample-runs/<name>.log}, which the test reads while it runs.
 */
final class SampleProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private SampleProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The executable jar: where the build says it is (failsafe sets {@code kcl.sample.jar}), else target/. */
    static Path jar() {
        String configured = System.getProperty("kcl.sample.jar");
        Path jar = Path.of(configured != null ? configured : "target/kcl-sample.jar")
                .toAbsolutePath();
        assertThat(jar)
                .as("the executable jar, built by `./mvnw -pl samples package`")
                .isRegularFile();
        return jar;
    }

    /**
     * Starts {@code java <arguments>} with the sample's settings in {@code environment}. The settings of the JVM
     * running the test ({@code KCL_*}, {@code AWS_*}) are not passed on, so only the test's own apply.
     */
    static SampleProcess start(String name, List<String> arguments, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cache = System.getProperty("kcl.testkit.cache");
        if (cache != null) {
            command.add("-Dkcl.testkit.cache=" + cache);
        }
        command.addAll(arguments);
        Path log = Path.of("target", "sample-runs", name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment()
                .keySet()
                .removeIf(
                        key -> (key.startsWith("KCL_") && !key.equals("KCL_TESTKIT_CACHE")) || key.startsWith("AWS_"));
        builder.environment().putAll(environment);
        return new SampleProcess(name, builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the output satisfies {@code condition}.
     *
     * @throws AssertionError with the output so far if it does not within {@code timeout}, or the process ends first
     */
    String awaitOutput(String what, Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String output = output();
            if (condition.test(output)) {
                return output;
            }
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + " (process "
                        + (process.isAlive() ? "running" : "exited " + process.exitValue()) + "); output:\n" + output);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits for the process to exit.
     *
     * @return its exit status
     * @throws AssertionError with the output if it is still running after {@code timeout}
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as ECS and Kubernetes do before they stop a container. */
    void terminate() {
        assertThat(process.toHandle().supportsNormalTermination())
                .as("SIGTERM on this platform")
                .isTrue();
        process.toHandle().destroy();
    }

    /** Kills the process if a failed test left it running, and prints its output for the test report. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        System.out.println("---- " + name + " (" + log + ")");
        System.out.println(output());
    }
}
