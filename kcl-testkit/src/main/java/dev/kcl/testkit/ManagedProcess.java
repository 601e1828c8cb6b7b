package dev.kcl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process the kit started, with its output in a log file, stopped on {@link #close()} and, failing that, by
 * a JVM shutdown hook.
 *
 * <p>A shutdown hook does not run on {@code kill -9}; for that case every child is started with its standard input
 * connected to this JVM and is expected to exit when the pipe closes (the node processes do, through
 * {@code parent-watchdog.js}). Thread-safe.
 */
final class ManagedProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::stopAll, "kcl-testkit-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code builder}, sending its standard output and error to {@code logFile}. */
    static ManagedProcess start(String name, ProcessBuilder builder, Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            ManagedProcess managed = new ManagedProcess(name, builder.start(), logFile);
            LIVE.add(managed);
            log.debug("started {} (pid {}), log {}", name, managed.pid(), logFile);
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", builder.command()), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /** Waits for the process to exit; true if it did within {@code timeout}. */
    boolean waitFor(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit value of a process that has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /** The last lines of the process's log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process and its descendants: politely, then forcibly after five seconds. */
    @Override
    public void close() {
        LIVE.remove(this);
        stop();
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        log.debug("stopped {} (pid {})", name, process.pid());
    }

    private static void stopAll() {
        for (ManagedProcess managed : LIVE) {
            managed.stop();
        }
        LIVE.clear();
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
