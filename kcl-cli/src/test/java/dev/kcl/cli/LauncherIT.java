package dev.kcl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.leases.dynamodb.DynamoDbLeaseTable;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.TestNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executable as a user runs it: {@code bin/kcl}, a separate JVM on the packaged jar. */
@KclStack
class LauncherIT {
    private static final Path LAUNCHER =
            Path.of("..", "bin", "kcl").toAbsolutePath().normalize();

    private record Result(int status, String out, String err) {}

    private static Result launch(List<String> args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment()
                .put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Path out = Files.createTempFile("kcl-out", ".txt");
        Path err = Files.createTempFile("kcl-err", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/kcl finished").isTrue();
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theLauncherRunsThePackagedCommand(AwsStack stack, TestNames names) throws Exception {
        assertThat(Path.of("target", "kcl.jar")).as("the packaged command").exists();

        Result help = launch(List.of("--help"));
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("usage: kcl <command>");

        DynamoDbLeaseTable.builder(stack.dynamoDb(), names.applicationName())
                .build()
                .ensureExists();
        Result workers = launch(List.of(
                "workers",
                "--app",
                names.applicationName(),
                "--dynamodb-endpoint",
                stack.dynamoDbEndpoint().toString(),
                "--json"));
        assertThat(workers.status()).as(workers.err()).isZero();
        assertThat(workers.out()).contains("\"application\": \"" + names.applicationName() + "\"");

        Result missing = launch(List.of(
                "workers",
                "--app",
                "no-such-app",
                "--dynamodb-endpoint",
                stack.dynamoDbEndpoint().toString()));
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no lease table 'no-such-app'").doesNotContain("Exception");
    }
}
