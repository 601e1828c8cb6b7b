package dev.kcl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the kit keeps what it installs (the npm package of the local Kinesis, the sqlite4java native library) and
 * the logs of the processes it starts.
 *
 * <p>Resolved from, in order: the system property {@value #PROPERTY}, the environment variable {@value #ENV}, and
 * {@code $XDG_CACHE_HOME/kcl-testkit} or {@code ~/.cache/kcl-testkit}.
 */
public final class CacheDirectory {
    /** System property naming the cache directory. */
    public static final String PROPERTY = "kcl.testkit.cache";
    /** Environment variable naming the cache directory. */
    public static final String ENV = "KCL_TESTKIT_CACHE";

    private CacheDirectory() {}

    /** The cache directory, created if needed. */
    public static Path get() {
        Path dir = resolve();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the kcl-testkit cache directory " + dir + "; choose another with -D" + PROPERTY
                            + "=<dir> or " + ENV,
                    e);
        }
    }

    private static Path resolve() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("kcl-testkit");
    }
}
