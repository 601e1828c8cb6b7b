package dev.kcl.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link TaskScheduler} that runs tasks only when {@link #runDueTasks()} is called, in due-time order, on the
 * calling thread: tests control both time (through {@link FakeTime}) and execution, and nothing sleeps.
 */
public final class ManualScheduler implements TaskScheduler {
    private final Ticker time;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long sequence;

    private final class Entry implements Comparable<Entry>, Cancellable {
        final long due;
        final long order;
        final Runnable task;
        boolean cancelled;

        Entry(long due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = Long.compare(due, other.due);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
            }
        }
    }

    public ManualScheduler(Ticker time) {
        this.time = time;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Entry entry = new Entry(time.nanos() + delay.toNanos(), sequence++, task);
        queue.add(entry);
        return entry;
    }

    /** Runs every task due by now, including tasks they schedule that are due by now too. */
    public void runDueTasks() {
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due - time.nanos() > 0) {
                    return;
                }
                queue.poll();
                if (next.cancelled) {
                    continue;
                }
            }
            next.task.run();
        }
    }

    /** Drops every pending task, as a crashed process would. */
    public synchronized void clear() {
        queue.clear();
    }

    public synchronized int pending() {
        return (int) queue.stream().filter(e -> !e.cancelled).count();
    }
}
