package dev.kcl.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the sqlite4java native library that DynamoDB Local needs among the build's resolved dependencies and makes
 * it loadable, with no manual step.
 *
 * <p>DynamoDB Local depends on the native libraries as Maven artifacts ({@code libsqlite4java-linux-amd64-1.0.392.so}
 * and friends), but sqlite4java loads them by their plain name ({@code libsqlite4java-linux-amd64.so}) from
 * {@code sqlite4java.library.path}. This class looks for the artifact on the class path (Gradle puts it there), then
 * beside the sqlite4java jar in a Maven or Gradle cache, then as a bundled resource {@code native/<file>} (an
 * executable jar), copies it under its plain name into the kit's cache directory, and sets
 * {@code sqlite4java.library.path}.
 *
 * <p>DynamoDB Local 2.x also carries a copy for every platform it supports inside its own jar (Linux and macOS on
 * x86_64 and aarch64, Windows) and loads it when no other is found. Where sqlite4java publishes no artifact (aarch64),
 * or none was resolved, this class leaves the property unset and DynamoDB Local uses that copy.
 */
final class SqliteNativeLibrary {
    static final String LIBRARY_PATH_PROPERTY = "sqlite4java.library.path";
    static final String VERSION = "1.0.392";

    private SqliteNativeLibrary() {}

    /** Makes the native library loadable, unless {@code sqlite4java.library.path} is already set. */
    static synchronized void install(Path cacheDir) {
        if (System.getProperty(LIBRARY_PATH_PROPERTY) != null) {
            return;
        }
        Optional<Platform> known = Platform.current();
        if (known.isEmpty()) {
            return; // no sqlite4java artifact for this platform: DynamoDB Local loads the copy in its own jar
        }
        Platform platform = known.get();
        Optional<Path> resolved = find(platform, System.getProperty("java.class.path", ""), sqlite4javaJar())
                .or(() -> bundled(platform, cacheDir));
        if (resolved.isEmpty()) {
            return; // DynamoDB Local loads the copy in its own jar
        }
        Path found = resolved.get();
        Path dir = cacheDir.resolve("sqlite4java-" + VERSION);
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(platform.fileName());
            if (!Files.exists(target) || Files.size(target) != Files.size(found)) {
                Path temp = Files.createTempFile(dir, platform.artifact(), ".tmp");
                Files.copy(found, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + found + " into " + dir, e);
        }
        System.setProperty(LIBRARY_PATH_PROPERTY, dir.toString());
    }

    /** Looks on the class path, then beside the sqlite4java jar in a Maven or Gradle repository layout. */
    static Optional<Path> find(Platform platform, String classPath, Optional<Path> sqliteJar) {
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Paths.get(entry);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (name.startsWith(platform.artifact())
                    && name.endsWith("." + platform.extension())
                    && Files.isRegularFile(path)) {
                return Optional.of(path);
            }
        }
        return sqliteJar.flatMap(jar -> besideJar(platform, jar));
    }

    /**
     * A copy bundled as a class-path resource {@code native/<file>} (how an executable jar carries it), extracted into
     * the cache directory.
     */
    static Optional<Path> bundled(Platform platform, Path cacheDir) {
        String resource = "native/" + platform.artifact() + "-" + VERSION + "." + platform.extension();
        try (java.io.InputStream in = SqliteNativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            Path dir = Files.createDirectories(cacheDir.resolve("sqlite4java-" + VERSION + "-bundled"));
            Path target = dir.resolve(platform.artifact() + "-" + VERSION + "." + platform.extension());
            Path temp = Files.createTempFile(dir, platform.artifact(), ".tmp");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> besideJar(Platform platform, Path jar) {
        // Maven: <repo>/com/almworks/sqlite4java/sqlite4java/<v>/sqlite4java-<v>.jar
        Path versionDir = jar.getParent();
        if (versionDir == null
                || versionDir.getParent() == null
                || versionDir.getParent().getParent() == null) {
            return Optional.empty();
        }
        String version = versionDir.getFileName().toString();
        Path group = versionDir.getParent().getParent();
        Path maven = group.resolve(platform.artifact())
                .resolve(version)
                .resolve(platform.artifact() + "-" + version + "." + platform.extension());
        if (Files.isRegularFile(maven)) {
            return Optional.of(maven);
        }
        // Gradle: <cache>/com.almworks.sqlite4java/sqlite4java/<v>/<hash>/sqlite4java-<v>.jar
        Path gradleVersionDir = versionDir.getParent();
        if (gradleVersionDir.getParent() == null || gradleVersionDir.getParent().getParent() == null) {
            return Optional.empty();
        }
        String gradleVersion = gradleVersionDir.getFileName().toString();
        Path gradleArtifactDir = gradleVersionDir
                .getParent()
                .getParent()
                .resolve(platform.artifact())
                .resolve(gradleVersion);
        if (!Files.isDirectory(gradleArtifactDir)) {
            return Optional.empty();
        }
        String fileName = platform.artifact() + "-" + gradleVersion + "." + platform.extension();
        try (Stream<Path> hashes = Files.list(gradleArtifactDir)) {
            return hashes.map(hash -> hash.resolve(fileName))
                    .filter(Files::isRegularFile)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> sqlite4javaJar() {
        try {
            Class<?> sqlite = Class.forName("com.almworks.sqlite4java.SQLite");
            var source = sqlite.getProtectionDomain().getCodeSource();
            return source == null
                    ? Optional.empty()
                    : Optional.of(Paths.get(source.getLocation().toURI()));
        } catch (ClassNotFoundException | URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The native artifact for an operating system and architecture, named as sqlite4java names them. */
    record Platform(String artifact, String extension) {
        static Optional<Platform> current() {
            return of(System.getProperty("os.name"), System.getProperty("os.arch"));
        }

        /** The sqlite4java artifact for the platform; empty where sqlite4java publishes none (aarch64). */
        static Optional<Platform> of(String osName, String osArch) {
            String os = osName.toLowerCase(Locale.ROOT);
            String arch = osArch.toLowerCase(Locale.ROOT);
            boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
            boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i686");
            if ((os.contains("mac") || os.contains("darwin")) && x64) {
                return Optional.of(new Platform("libsqlite4java-osx", "dylib"));
            }
            if (os.contains("windows") && (x64 || x86)) {
                return Optional.of(new Platform(x64 ? "sqlite4java-win32-x64" : "sqlite4java-win32-x86", "dll"));
            }
            if (os.contains("linux") && x64) {
                return Optional.of(new Platform("libsqlite4java-linux-amd64", "so"));
            }
            if (os.contains("linux") && x86) {
                return Optional.of(new Platform("libsqlite4java-linux-i386", "so"));
            }
            return Optional.empty();
        }

        String fileName() {
            return artifact + "." + extension;
        }
    }
}
