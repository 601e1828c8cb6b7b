package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's code is this module's code, word for word, so it always compiles and does what the samples do. */
class ReadmeSnippetTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void theReadmeShowsTheSampleProcessorAsItIs() throws IOException {
        String source = source("OrderProcessor.java");
        String body = source.substring(source.indexOf("/** Counts orders")).strip();

        assertThat(readme()).contains(body);
    }

    @Test
    void theReadmeShowsTheSampleWorkerAsConsumerAppBuildsIt() throws IOException {
        String source = source("ConsumerApp.java");
        String start = "// README snippet: start\n";
        String end = "// README snippet: end";
        int from = source.indexOf(start);
        int to = source.indexOf(end);
        assertThat(from).as("the README snippet markers in ConsumerApp.java").isPositive();
        assertThat(to).isGreaterThan(from);
        String snippet = unindent(source.substring(from + start.length(), source.lastIndexOf('\n', to) + 1));

        assertThat(snippet).contains("Worker.builder()", "worker.start()");
        assertThat(readme()).contains("```java\n" + snippet + "```");
    }

    /** The lines without their common indentation, each ending in a line break. */
    private static String unindent(String lines) {
        int indent = lines.lines()
                .filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length())
                .min()
                .orElse(0);
        StringBuilder out = new StringBuilder();
        lines.lines()
                .forEach(line ->
                        out.append(line.isBlank() ? "" : line.substring(indent)).append('\n'));
        return out.toString();
    }

    private static String readme() throws IOException {
        return Files.readString(MODULE.resolveSibling("README.md"), StandardCharsets.UTF_8);
    }

    private static String source(String file) throws IOException {
        return Files.readString(MODULE.resolve("src/main/java/dev/kcl/samples/" + file), StandardCharsets.UTF_8);
    }
}
