package dev.kcl.samples;

import dev.kcl.InitialPosition;
import java.util.Locale;
import java.util.Optional;

/**
 * The sample's settings, from system properties ({@code -Dkcl.stream=...}) or environment variables
 * ({@code KCL_STREAM=...}), as an ECS task definition or Kubernetes manifest sets them.
 *
 * @param stream the stream to consume on AWS; empty runs the local demo
 * @param application the application name (also the lease table's name)
 * @param fanOut enhanced fan-out instead of polling
 * @param consumerName the fan-out consumer's name
 * @param initialPosition where a new application starts
 * @param demoSeconds how long the local demo produces records
 * @param demoRate records per second the local demo produces
 */
record AppConfig(
        Optional<String> stream,
        String application,
        boolean fanOut,
        String consumerName,
        InitialPosition initialPosition,
        int demoSeconds,
        int demoRate) {

    static AppConfig load(boolean fanOutByDefault) {
        Optional<String> stream = setting("kcl.stream", "KCL_STREAM");
        String application = setting("kcl.application", "KCL_APPLICATION").orElse("kcl-sample");
        String retrieval = setting("kcl.retrieval", "KCL_RETRIEVAL")
                .orElse(fanOutByDefault ? "fanout" : "polling")
                .toLowerCase(Locale.ROOT);
        if (!retrieval.equals("polling") && !retrieval.equals("fanout")) {
            throw new IllegalArgumentException("KCL_RETRIEVAL must be polling or fanout, was " + retrieval);
        }
        String position = setting("kcl.initialPosition", "KCL_INITIAL_POSITION")
                .orElse("LATEST")
                .toUpperCase(Locale.ROOT);
        InitialPosition initial = switch (position) {
            case "LATEST" -> InitialPosition.latest();
            case "TRIM_HORIZON" -> InitialPosition.trimHorizon();
            default ->
                throw new IllegalArgumentException(
                        "KCL_INITIAL_POSITION must be LATEST or TRIM_HORIZON, was " + position);
        };
        return new AppConfig(
                stream,
                application,
                retrieval.equals("fanout"),
                setting("kcl.consumerName", "KCL_CONSUMER_NAME").orElse(application),
                initial,
                integer("kcl.demo.seconds", "KCL_DEMO_SECONDS", 30),
                integer("kcl.demo.rate", "KCL_DEMO_RATE", 400));
    }

    private static Optional<String> setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int integer(String property, String env, int fallback) {
        Optional<String> value = setting(property, env);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(env + " must be a positive number, was " + value.get(), e);
        }
    }
}
