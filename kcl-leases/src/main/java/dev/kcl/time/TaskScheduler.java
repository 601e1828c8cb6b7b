package dev.kcl.time;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks later on the component's own thread. Production code wraps a single-threaded
 * {@link ScheduledExecutorService}; tests use a manual scheduler driven by a fake clock, so nothing sleeps.
 */
public interface TaskScheduler {
    /** Runs {@code task} after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} as soon as possible. */
    default void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** A scheduler over an executor the caller owns. */
    static TaskScheduler of(ScheduledExecutorService executor) {
        return (task, delay) -> {
            var future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
    }
}
