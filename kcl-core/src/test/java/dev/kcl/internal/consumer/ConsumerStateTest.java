package dev.kcl.internal.consumer;

import static dev.kcl.internal.consumer.ConsumerState.INITIALIZING;
import static dev.kcl.internal.consumer.ConsumerState.LEASE_LOST;
import static dev.kcl.internal.consumer.ConsumerState.PROCESSING;
import static dev.kcl.internal.consumer.ConsumerState.SHARD_ENDED;
import static dev.kcl.internal.consumer.ConsumerState.SHUTDOWN_REQUESTED;
import static dev.kcl.internal.consumer.ConsumerState.SHUT_DOWN;
import static dev.kcl.internal.consumer.ConsumerState.WAITING_ON_PARENTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every one of the 49 pairs of states, against the diagram in {@link ConsumerState}. */
class ConsumerStateTest {
    private static final Set<List<ConsumerState>> ALLOWED = Set.of(
            List.of(WAITING_ON_PARENTS, INITIALIZING),
            List.of(WAITING_ON_PARENTS, SHUT_DOWN),
            List.of(INITIALIZING, PROCESSING),
            List.of(INITIALIZING, LEASE_LOST),
            List.of(INITIALIZING, SHUTDOWN_REQUESTED),
            List.of(PROCESSING, SHARD_ENDED),
            List.of(PROCESSING, LEASE_LOST),
            List.of(PROCESSING, SHUTDOWN_REQUESTED),
            List.of(SHARD_ENDED, SHUT_DOWN),
            List.of(LEASE_LOST, SHUT_DOWN),
            List.of(SHUTDOWN_REQUESTED, SHUT_DOWN));

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (ConsumerState from : ConsumerState.values()) {
            for (ConsumerState to : ConsumerState.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void transitionTableMatchesTheDiagram(ConsumerState from, ConsumerState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(List.of(from, to)));
    }
}
