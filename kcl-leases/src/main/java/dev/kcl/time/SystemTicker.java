package dev.kcl.time;

/** {@link Ticker} over {@link System#nanoTime()}: the only place production code reads the monotonic clock. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanos() {
        return System.nanoTime();
    }
}
