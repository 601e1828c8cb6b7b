package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.testkit.SqliteNativeLibrary.Platform;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeLibraryTest {
    private static final Platform LINUX = Platform.of("Linux", "amd64").orElseThrow();

    @TempDir
    Path dir;

    @Test
    void mapsPlatformsToSqlite4javaArtifacts() {
        assertThat(LINUX).isEqualTo(new Platform("libsqlite4java-linux-amd64", "so"));
        assertThat(Platform.of("Mac OS X", "x86_64").orElseThrow().fileName()).isEqualTo("libsqlite4java-osx.dylib");
        assertThat(Platform.of("Windows 11", "amd64").orElseThrow().artifact()).isEqualTo("sqlite4java-win32-x64");
        // no sqlite4java artifact: DynamoDB Local loads the copy for these platforms from its own jar
        assertThat(Platform.of("Linux", "aarch64")).isEmpty();
        assertThat(Platform.of("Mac OS X", "aarch64")).isEmpty();
    }

    @Test
    void findsTheLibraryOnTheClassPath() throws IOException {
        Path so = Files.createFile(dir.resolve("libsqlite4java-linux-amd64-1.0.392.so"));

        Optional<Path> found = SqliteNativeLibrary.find(LINUX, "/x/a.jar" + File.pathSeparator + so, Optional.empty());

        assertThat(found).contains(so);
    }

    @Test
    void findsTheLibraryBesideTheJarInAMavenRepository() throws IOException {
        Path group = dir.resolve("com/almworks/sqlite4java");
        Path jar = touch(group.resolve("sqlite4java/1.0.392/sqlite4java-1.0.392.jar"));
        Path so = touch(group.resolve("libsqlite4java-linux-amd64/1.0.392/libsqlite4java-linux-amd64-1.0.392.so"));

        assertThat(SqliteNativeLibrary.find(LINUX, "", Optional.of(jar))).contains(so);
    }

    @Test
    void findsTheLibraryBesideTheJarInAGradleCache() throws IOException {
        Path group = dir.resolve("files-2.1/com.almworks.sqlite4java");
        Path jar = touch(group.resolve("sqlite4java/1.0.392/abc123/sqlite4java-1.0.392.jar"));
        Path so =
                touch(group.resolve("libsqlite4java-linux-amd64/1.0.392/def456/libsqlite4java-linux-amd64-1.0.392.so"));

        assertThat(SqliteNativeLibrary.find(LINUX, "", Optional.of(jar))).contains(so);
    }

    @Test
    void findsNothingWhenTheLibraryIsMissing() throws IOException {
        Path jar = touch(dir.resolve("com/almworks/sqlite4java/sqlite4java/1.0.392/sqlite4java-1.0.392.jar"));

        assertThat(SqliteNativeLibrary.find(LINUX, "", Optional.of(jar))).isEmpty();
    }

    private static Path touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }
}
