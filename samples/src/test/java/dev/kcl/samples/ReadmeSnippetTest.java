package dev.kcl.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "your first processor" is this module's OrderProcessor, word for word, so it always compiles. */
class ReadmeSnippetTest {

    @Test
    void theReadmeShowsTheSampleProcessorAsItIs() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String readme = Files.readString(module.resolveSibling("README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(
                module.resolve("src/main/java/dev/kcl/samples/OrderProcessor.java"), StandardCharsets.UTF_8);
        String body = source.substring(source.indexOf("/** Counts orders")).strip();

        assertThat(readme).contains(body);
    }
}
