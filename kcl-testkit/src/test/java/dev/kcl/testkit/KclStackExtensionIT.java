package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@KclStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KclStackExtensionIT {
    private static final AtomicReference<AwsStack> FIRST = new AtomicReference<>();
    private static final AtomicReference<String> FIRST_STREAM = new AtomicReference<>();

    @Test
    @Order(1)
    void resolvesTheStackAndNames(AwsStack stack, TestNames names, TestNames sameNames) {
        FIRST.set(stack);
        FIRST_STREAM.set(names.streamName());
        assertThat(stack.name()).isIn("embedded", "localstack");
        assertThat(sameNames).isSameAs(names);
        assertThat(names.streamName()).contains("kclstackextensionit-resolvesthestackandnames");
    }

    @Test
    @Order(2)
    void sharesOneStackButGivesEachTestItsOwnNames(AwsStack stack, TestNames names) {
        assertThat(stack).isSameAs(FIRST.get());
        assertThat(names.streamName()).isNotEqualTo(FIRST_STREAM.get());
    }
}
