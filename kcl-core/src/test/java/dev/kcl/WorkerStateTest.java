package dev.kcl;

import static dev.kcl.WorkerState.CREATED;
import static dev.kcl.WorkerState.FAILED;
import static dev.kcl.WorkerState.RUNNING;
import static dev.kcl.WorkerState.SHUTTING_DOWN;
import static dev.kcl.WorkerState.STARTING;
import static dev.kcl.WorkerState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of worker states: allowed exactly where the lifecycle says. */
class WorkerStateTest {
    private static final Map<WorkerState, Set<WorkerState>> ALLOWED = Map.of(
            CREATED, Set.of(STARTING, STOPPED), // closed without being started
            STARTING, Set.of(RUNNING, FAILED),
            RUNNING, Set.of(SHUTTING_DOWN, FAILED),
            SHUTTING_DOWN, Set.of(STOPPED, FAILED),
            STOPPED, Set.of(),
            FAILED, Set.of());

    static List<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (WorkerState from : WorkerState.values()) {
            for (WorkerState to : WorkerState.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void aTransitionIsAllowedExactlyWhereTheLifecycleSays(WorkerState from, WorkerState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.get(from).contains(to));
    }
}
