package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {

    @Test
    void namesAreValidForKinesisAndDynamoDb() {
        TestNames names = TestNames.forTest("Some Test$Class-method(int, String)" + "x".repeat(200));

        for (String name : new String[] {names.streamName(), names.applicationName(), names.unique("consumer #1")}) {
            assertThat(name).matches("[a-zA-Z0-9_.-]{3,128}");
        }
    }

    @Test
    void namesAreStablePerTestAndUniqueAcrossTests() {
        TestNames a = TestNames.forTest("Orders-readsBack");
        TestNames b = TestNames.forTest("Orders-readsBack");

        assertThat(a.streamName()).isEqualTo(a.streamName());
        assertThat(a.streamName()).isNotEqualTo(b.streamName());
        assertThat(a.applicationName()).isNotEqualTo(b.applicationName());
        Set<String> unique = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertThat(unique.add(a.unique("s"))).isTrue();
        }
    }

    @Test
    void sanitizeKeepsAllowedCharactersOnly() {
        assertThat(TestNames.sanitize("A b/c.d_e--f")).isEqualTo("a-b-c.d_e-f");
        assertThat(TestNames.sanitize("$$$")).isEqualTo("t");
    }
}
