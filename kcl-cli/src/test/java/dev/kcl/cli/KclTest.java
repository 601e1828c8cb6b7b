package dev.kcl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** The command line and the output formats, without AWS: a usage error never reaches a client. */
class KclTest {
    private String err;
    private String out;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = new Kcl(
                        a -> {
                            throw new AssertionError("no client is needed for a usage error");
                        },
                        new PrintStream(o, true, StandardCharsets.UTF_8),
                        new PrintStream(e, true, StandardCharsets.UTF_8),
                        Clock.systemUTC())
                .run(args);
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("describe --app", "workers --app", "reset --app", "release --app", "--json");
        assertThat(run()).isEqualTo(CliException.USAGE);
        assertThat(err).contains("usage: kcl");
    }

    @Test
    void usageErrorsNameTheProblemAndExitWithTwo() {
        assertThat(run("rewind", "--app", "a")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("unknown command 'rewind'");

        assertThat(run("describe", "--app", "a", "--stream", "s", "--colour")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("unknown option --colour for kcl describe");

        assertThat(run("describe", "--stream", "s")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("kcl describe needs --app");

        assertThat(run("workers", "--app")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("--app needs a value");

        assertThat(run("workers", "--app", "a", "--app=b")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("--app is given twice");

        assertThat(run("release", "--app", "a", "--force=yes", "--worker", "w")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("--force takes no value");

        assertThat(run("workers", "--app", "a", "--kinesis-endpoint", "localhost"))
                .isEqualTo(CliException.USAGE);
        assertThat(err).contains("--kinesis-endpoint must be a URL");
    }

    @Test
    void aResetPositionIsCheckedBeforeAnythingIsRead() {
        assertThat(run("reset", "--app", "a", "--stream", "s")).isEqualTo(CliException.USAGE);
        assertThat(err).contains("needs --to");

        assertThat(run("reset", "--app", "a", "--stream", "s", "--to", "yesterday"))
                .isEqualTo(CliException.USAGE);
        assertThat(err).contains("--to must be one of trim-horizon, latest, timestamp=");

        assertThat(run("reset", "--app", "a", "--stream", "s", "--to", "timestamp=2026-11-21"))
                .isEqualTo(CliException.USAGE);
        assertThat(err).contains("not an ISO-8601 time with an offset");

        assertThat(run("reset", "--app", "a", "--stream", "s", "--to", "sequence=12x", "--shard", "x"))
                .isEqualTo(CliException.USAGE);
        assertThat(err).contains("not a Kinesis sequence number");

        assertThat(run("reset", "--app", "a", "--stream", "s", "--to", "sequence=12"))
                .isEqualTo(CliException.USAGE);
        assertThat(err).contains("needs --shard");
    }

    @Test
    void jsonOutputParsesBackWithEveryKindOfValue() {
        Map<String, Object> object = Json.object();
        object.put("text", "quote \" backslash \\ newline \n tab \t control \u0001 é");
        object.put("count", 42L);
        object.put("ratio", 0.5);
        object.put("flag", true);
        object.put("missing", Optional.empty());
        object.put("present", Optional.of("yes"));
        object.put("none", null);
        object.put("list", List.of(1, 2));
        object.put("empty", new ArrayList<>());
        object.put("nested", Map.of("k", "v"));

        JsonNode parsed = JsonNode.parser().parse(Json.write(object));

        assertThat(parsed.field("text").orElseThrow().text())
                .isEqualTo("quote \" backslash \\ newline \n tab \t control \u0001 é");
        assertThat(parsed.field("count").orElseThrow().asNumber()).isEqualTo("42");
        assertThat(parsed.field("ratio").orElseThrow().asNumber()).isEqualTo("0.5");
        assertThat(parsed.field("flag").orElseThrow().asBoolean()).isTrue();
        assertThat(parsed.field("missing").orElseThrow().isNull()).isTrue();
        assertThat(parsed.field("present").orElseThrow().text()).isEqualTo("yes");
        assertThat(parsed.field("none").orElseThrow().isNull()).isTrue();
        assertThat(parsed.field("list").orElseThrow().asArray()).hasSize(2);
        assertThat(parsed.field("empty").orElseThrow().asArray()).isEmpty();
        assertThat(parsed.field("nested").orElseThrow().field("k").orElseThrow().text())
                .isEqualTo("v");
    }

    @Test
    void tablesLineUpTheirColumns() {
        String rendered = new TextTable("SHARD", "OWNER")
                .row("shardId-000000000000", "a")
                .row("s1", null)
                .render();

        assertThat(rendered).isEqualTo("""
                SHARD                 OWNER
                shardId-000000000000  a
                s1                    -
                """);
    }
}
