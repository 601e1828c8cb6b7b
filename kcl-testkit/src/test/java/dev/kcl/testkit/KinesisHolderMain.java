package dev.kcl.testkit;

/**
 * Started in a separate JVM by {@link ProcessCleanupIT}: starts a local Kinesis, prints its pid, and waits to be
 * killed.
 */
public final class KinesisHolderMain {
    private KinesisHolderMain() {}

    public static void main(String[] args) throws InterruptedException {
        LocalKinesis kinesis = LocalKinesis.start();
        System.out.println("kinesis-pid=" + kinesis.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
