package dev.kcl.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Started in a separate JVM by {@link ProcessCleanupIT}: runs a test class that uses the stack and fails, as a test
 * run would, prints the emulator's pid and how many tests failed, and returns from main (no System.exit).
 */
public final class FailingStackRunMain {
    private FailingStackRunMain() {}

    /** A test using the shared stack that fails; not named like a test so the build does not run it itself. */
    @KclStack
    static final class AFailingTestOnTheStack {
        @Test
        void fails(AwsStack stack) {
            ProcessHandle.current()
                    .descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("kinesis-local"))
                    .forEach(p -> System.out.println("kinesis-pid=" + p.pid()));
            System.out.flush();
            throw new AssertionError("this test fails on purpose");
        }
    }

    public static void main(String[] args) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(AFailingTestOnTheStack.class))
                                .build(),
                        summary);
        System.out.println("failed=" + summary.getSummary().getTotalFailureCount());
        System.out.flush();
    }
}
