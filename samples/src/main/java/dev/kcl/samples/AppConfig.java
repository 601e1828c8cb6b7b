package dev.kcl.samples;

import dev.kcl.InitialPosition;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The sample's settings, from system properties ({@code -Dkcl.stream=...}) or environment variables
 * ({@code KCL_STREAM=...}), as an ECS task definition or Kubernetes manifest sets them. A system property wins over
 * the environment variable of the same setting. The full list is in docs/configuration.md.
 *
 * @param stream the stream to consume on AWS; empty runs the local demo
 * @param region the AWS region of the stream and the lease table; empty leaves it to the SDK's default chain
 *     ({@code AWS_REGION}, {@code -Daws.region}, the profile, the instance metadata)
 * @param application the application name (also the lease table's name)
 * @param fanOut enhanced fan-out instead of polling
 * @param consumerName the fan-out consumer's name
 * @param initialPosition where a new application starts
 * @param reportSeconds how often the AWS consumer prints its progress
 * @param demoSeconds how long the local demo produces records
 * @param demoRate records per second the local demo produces
 */
record AppConfig(
        Optional<String> stream,
        Optional<String> region,
        String application,
        boolean fanOut,
        String consumerName,
        InitialPosition initialPosition,
        int reportSeconds,
        int demoSeconds,
        int demoRate) {

    /** Reads the settings of this JVM: its system properties, then its environment. */
    static AppConfig load(boolean fanOutByDefault) {
        return load(fanOutByDefault, System::getProperty, System::getenv);
    }

    /** Reads the settings from the given properties and environment, for tests. */
    static AppConfig load(boolean fanOutByDefault, Map<String, String> properties, Map<String, String> environment) {
        return load(fanOutByDefault, properties::get, environment::get);
    }

    private static AppConfig load(
            boolean fanOutByDefault, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        Settings settings = new Settings(properties, environment);
        Optional<String> stream = settings.text("kcl.stream", "KCL_STREAM");
        Optional<String> region = settings.text("kcl.region", "KCL_REGION");
        region.ifPresent(r -> {
            if (!r.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException(
                        "KCL_REGION (kcl.region) must be a region id such as eu-west-1, was " + r);
            }
        });
        String application = settings.text("kcl.application", "KCL_APPLICATION").orElse("kcl-sample");
        String retrieval = settings.text("kcl.retrieval", "KCL_RETRIEVAL")
                .orElse(fanOutByDefault ? "fanout" : "polling")
                .toLowerCase(Locale.ROOT);
        if (!retrieval.equals("polling") && !retrieval.equals("fanout")) {
            throw new IllegalArgumentException(
                    "KCL_RETRIEVAL (kcl.retrieval) must be polling or fanout, was " + retrieval);
        }
        String position = settings.text("kcl.initialPosition", "KCL_INITIAL_POSITION")
                .orElse("LATEST")
                .toUpperCase(Locale.ROOT);
        InitialPosition initial = switch (position) {
            case "LATEST" -> InitialPosition.latest();
            case "TRIM_HORIZON" -> InitialPosition.trimHorizon();
            default ->
                throw new IllegalArgumentException(
                        "KCL_INITIAL_POSITION (kcl.initialPosition) must be LATEST or TRIM_HORIZON, was " + position);
        };
        return new AppConfig(
                stream,
                region,
                application,
                retrieval.equals("fanout"),
                settings.text("kcl.consumerName", "KCL_CONSUMER_NAME").orElse(application),
                initial,
                settings.positive("kcl.reportSeconds", "KCL_REPORT_SECONDS", 10),
                settings.positive("kcl.demo.seconds", "KCL_DEMO_SECONDS", 30),
                settings.positive("kcl.demo.rate", "KCL_DEMO_RATE", 400));
    }

    /** Looks each setting up as a system property, then as an environment variable; blank counts as unset. */
    private record Settings(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        Optional<String> text(String property, String env) {
            String value = properties.apply(property);
            if (value == null || value.isBlank()) {
                value = environment.apply(env);
            }
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        int positive(String property, String env, int fallback) {
            Optional<String> value = text(property, env);
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
                throw new IllegalArgumentException(
                        env + " (" + property + ") must be a positive number, was " + value.get(), e);
            }
        }
    }
}
