package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what the local demo printed: its progress lines and its summary. */
final class DemoOutput {
    private static final Pattern SUMMARY = Pattern.compile(
            "summary: produced (\\d+), delivered (\\d+), lost (\\d+), duplicates (\\d+), order violations (\\d+): (OK|FAILED)");
    private static final Pattern OWNERS = Pattern.compile("worker-a: \\[([^]]*)]  worker-b: \\[([^]]*)]");
    private static final Pattern LAG = Pattern.compile("\\| lag #\\d+:\\d+");

    private DemoOutput() {}

    /**
     * Asserts the demo proved what it claims: every order arrived once and in order across the split, both workers
     * consumed shards, and the lag was shown.
     */
    static void assertEveryOrderArrivedOnceAndInOrder(String output) {
        Matcher summary = SUMMARY.matcher(output);
        assertThat(summary.find()).as("a summary line in:%n%s", output).isTrue();
        long produced = Long.parseLong(summary.group(1));
        assertThat(produced).as("orders produced").isPositive();
        assertThat(Long.parseLong(summary.group(2))).as("orders delivered").isEqualTo(produced);
        assertThat(summary.group(3)).as("lost").isEqualTo("0");
        assertThat(summary.group(4)).as("duplicates").isEqualTo("0");
        assertThat(summary.group(5)).as("order violations").isEqualTo("0");
        assertThat(summary.group(6)).isEqualTo("OK");

        assertThat(output).contains("<< split shardId-000000000000");

        List<String[]> owners = OWNERS.matcher(output)
                .results()
                .map(m -> new String[] {m.group(1), m.group(2)})
                .toList();
        assertThat(owners).as("progress lines in:%n%s", output).isNotEmpty();
        assertThat(owners).as("worker-a holding a shard at some point").anyMatch(o -> !o[0].isBlank());
        assertThat(owners).as("worker-b holding a shard at some point").anyMatch(o -> !o[1].isBlank());

        assertThat(LAG.matcher(output).find())
                .as("a progress line showing each shard's lag in:%n%s", output)
                .isTrue();
    }
}
