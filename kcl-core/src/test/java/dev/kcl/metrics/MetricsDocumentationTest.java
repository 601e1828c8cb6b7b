package dev.kcl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/metrics.md is the operators' reference: every metric kcl records has its row there. */
class MetricsDocumentationTest {
    @Test
    void everyMetricNameHasARowInTheTable() throws IOException, IllegalAccessException {
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        List<String> names = new ArrayList<>();
        for (Field field : MetricNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }

        assertThat(names).hasSizeGreaterThan(20);
        for (String name : names) {
            assertThat(doc).as("docs/metrics.md names %s", name).contains("`" + name + "`");
        }
    }
}
