package dev.kcl.samples;

/**
 * The same consumer with enhanced fan-out ({@code SubscribeToShard} over HTTP/2) as its default retrieval; on the
 * local demo it runs over the emulator's TLS endpoint.
 */
public final class FanOutConsumerApp {
    private FanOutConsumerApp() {}

    public static void main(String[] args) throws Exception {
        System.exit(ConsumerApp.run(AppConfig.load(true)));
    }
}
