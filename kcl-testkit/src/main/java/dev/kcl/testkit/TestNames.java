package dev.kcl.testkit;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names of the streams, applications (lease tables) and consumers of one test, unique across a test run so tests can
 * share one stack without seeing each other's resources. Valid as Kinesis stream names ({@code [a-zA-Z0-9_.-]}, up to
 * 128 characters) and DynamoDB table names.
 */
public final class TestNames {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final int MAX_BASE = 60;

    private final String base;
    private final AtomicLong counter = new AtomicLong();

    private TestNames(String base) {
        this.base = base;
    }

    /**
     * Names derived from a label such as the test's class and method. Each {@code TestNames} gets its own run-wide
     * sequence number and a random suffix, so two test runs against one long-lived stack do not collide either.
     */
    public static TestNames forTest(String label) {
        Objects.requireNonNull(label, "label");
        String clean = sanitize(label);
        if (clean.length() > MAX_BASE) {
            clean = clean.substring(0, MAX_BASE);
        }
        String suffix = Long.toString(SEQUENCE.incrementAndGet(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        return new TestNames(clean + "-" + suffix);
    }

    /** The test's stream name; the same on every call. */
    public String streamName() {
        return base + "-stream";
    }

    /** The test's application name, which is also its lease table's name; the same on every call. */
    public String applicationName() {
        return base + "-app";
    }

    /** A fresh name on every call, for tests that need several streams or applications. */
    public String unique(String label) {
        return base + "-" + sanitize(label) + counter.incrementAndGet();
    }

    static String sanitize(String label) {
        StringBuilder out = new StringBuilder(label.length());
        for (char c : label.toCharArray()) {
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-';
            out.append(allowed ? c : '-');
        }
        String s = out.toString().replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "t" : s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return base;
    }
}
