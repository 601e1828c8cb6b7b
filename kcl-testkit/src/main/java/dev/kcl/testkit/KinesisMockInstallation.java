package dev.kcl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The npm package {@code kinesis-local} (kinesis-mock built for Node.js), installed once per version into the cache
 * directory with {@code npm install --prefix}, and the {@code node} that runs it.
 *
 * <p>Several JVMs may start at once (parallel builds, forked test runs); a file lock makes the first one install and
 * the others wait for it.
 */
final class KinesisMockInstallation {
    /** The pinned emulator version. */
    static final String VERSION = "0.6.2";

    static final int MIN_NODE_MAJOR = 18;

    private static final Logger log = LoggerFactory.getLogger(KinesisMockInstallation.class);
    private static final Pattern NODE_VERSION = Pattern.compile("v?(\\d+)\\.\\d+\\.\\d+.*");

    private final Path prefix;

    private KinesisMockInstallation(Path prefix) {
        this.prefix = prefix;
    }

    /** The installation in the cache directory, installing it first if needed. */
    static KinesisMockInstallation ensureInstalled(Path cacheDir, String version) {
        String node = checkNode();
        Path prefix = cacheDir.resolve("kinesis-local-" + version);
        KinesisMockInstallation installation = new KinesisMockInstallation(prefix);
        if (Files.isRegularFile(installation.mainScript())) {
            return installation;
        }
        try {
            Files.createDirectories(prefix);
            try (FileChannel channel = FileChannel.open(
                    cacheDir.resolve("kinesis-local-" + version + ".lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    if (!Files.isRegularFile(installation.mainScript())) {
                        npmInstall(prefix, version, node);
                    }
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install kinesis-local " + version + " into " + prefix, e);
        }
        return installation;
    }

    Path directory() {
        return mainScript().getParent();
    }

    Path mainScript() {
        return prefix.resolve("node_modules").resolve("kinesis-local").resolve("main.js");
    }

    private static void npmInstall(Path prefix, String version, String nodeVersion) throws IOException {
        Path logFile = prefix.resolve("npm-install.log");
        List<String> command = List.of(
                npm(),
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
                prefix.toString(),
                "kinesis-local@" + version);
        log.info("installing kinesis-local {} with node {}: {}", version, nodeVersion, String.join(" ", command));
        int exit;
        // Managed like the emulator: stopped with its children if the install times out or the JVM shuts down.
        ManagedProcess process;
        try {
            process = ManagedProcess.start("npm install kinesis-local", new ProcessBuilder(command), logFile);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(missingNodeMessage("npm could not be started: " + e.getMessage()), e);
        }
        try (process) {
            if (!process.waitFor(java.time.Duration.ofMinutes(10))) {
                throw new IllegalStateException(
                        "npm install of kinesis-local " + version + " did not finish in 10 minutes; see " + logFile);
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing kinesis-local", e);
        }
        Path main = prefix.resolve("node_modules").resolve("kinesis-local").resolve("main.js");
        if (exit != 0 || !Files.isRegularFile(main)) {
            String output = Files.readString(logFile, StandardCharsets.UTF_8);
            throw new IllegalStateException("npm install kinesis-local@" + version + " failed (exit " + exit
                    + "). The local Kinesis needs the npm registry to be reachable on first use, or the package "
                    + "already in " + prefix + ". npm said:" + System.lineSeparator() + output);
        }
    }

    /** Checks that a usable {@code node} is on the PATH and returns its version. */
    static String checkNode() {
        String version;
        try {
            Process process = new ProcessBuilder(node(), "--version")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(missingNodeMessage("`node --version` failed: " + version));
            }
        } catch (IOException e) {
            throw new IllegalStateException(missingNodeMessage("`node` is not on the PATH"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking node", e);
        }
        Matcher matcher = NODE_VERSION.matcher(version);
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < MIN_NODE_MAJOR) {
            throw new IllegalStateException(missingNodeMessage("found node " + version));
        }
        return version;
    }

    static String missingNodeMessage(String problem) {
        return "The local Kinesis (kinesis-mock, npm package kinesis-local) needs Node.js " + MIN_NODE_MAJOR
                + " or newer with npm on the PATH, but " + problem + ". Install Node.js and npm (for example "
                + "`apt-get install nodejs npm`, `brew install node`, or a Node.js installer), or set "
                + "-Dkcl.testkit.node=/path/to/node and -Dkcl.testkit.npm=/path/to/npm.";
    }

    static String node() {
        return System.getProperty("kcl.testkit.node", "node");
    }

    static String npm() {
        return System.getProperty("kcl.testkit.npm", "npm");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
