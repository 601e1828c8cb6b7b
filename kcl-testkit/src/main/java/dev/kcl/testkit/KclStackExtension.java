package dev.kcl.testkit;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link KclStack}: starts one stack per test run (per JVM), on first use, and stops it when
 * the run ends; resolves {@link AwsStack} and, per test, {@link TestNames} parameters.
 *
 * <p>The stack is {@link EmbeddedStack} unless the system property {@value #STACK_PROPERTY} is {@code localstack},
 * which selects {@link LocalStackContainerStack} (image from {@value #IMAGE_PROPERTY}); without Docker those tests
 * are skipped, not failed. A stack that failed to start is not retried: every later test fails with the same cause.
 */
public final class KclStackExtension implements BeforeAllCallback, ParameterResolver {
    /** System property choosing the stack: {@code embedded} (default) or {@code localstack}. */
    public static final String STACK_PROPERTY = "kcl.testkit.stack";
    /** System property naming the LocalStack image. */
    public static final String IMAGE_PROPERTY = "kcl.testkit.localstack.image";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KclStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (wantsLocalStack()) {
            Assumptions.assumeTrue(
                    LocalStackContainerStack.isDockerAvailable(),
                    "-D" + STACK_PROPERTY + "=localstack needs Docker and Testcontainers; skipped without them");
        }
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == AwsStack.class || type == TestNames.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == AwsStack.class) {
            return stack(context);
        }
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestNames.class, k -> TestNames.forTest(label(context)), TestNames.class);
    }

    private static AwsStack stack(ExtensionContext context) {
        StackHolder holder = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(StackHolder.class, k -> StackHolder.start(), StackHolder.class);
        return holder.get();
    }

    private static String label(ExtensionContext context) {
        String cls = context.getTestClass().map(Class::getSimpleName).orElse("test");
        return context.getTestMethod().map(m -> cls + "-" + m.getName()).orElse(cls);
    }

    private static boolean wantsLocalStack() {
        return System.getProperty(STACK_PROPERTY, "embedded")
                .toLowerCase(Locale.ROOT)
                .equals("localstack");
    }

    /** The run's stack or why it failed to start; closed by JUnit when the root context closes. */
    private static final class StackHolder implements AutoCloseable {
        private final AwsStack stack;
        private final RuntimeException failure;

        private StackHolder(AwsStack stack, RuntimeException failure) {
            this.stack = stack;
            this.failure = failure;
        }

        static StackHolder start() {
            try {
                AwsStack stack = wantsLocalStack()
                        ? LocalStackContainerStack.start(
                                System.getProperty(IMAGE_PROPERTY, LocalStackContainerStack.DEFAULT_IMAGE))
                        : EmbeddedStack.start();
                return new StackHolder(stack, null);
            } catch (RuntimeException e) {
                return new StackHolder(null, e);
            }
        }

        AwsStack get() {
            if (failure != null) {
                throw new IllegalStateException("the test stack failed to start: " + failure.getMessage(), failure);
            }
            return stack;
        }

        @Override
        public void close() {
            if (stack != null) {
                stack.close();
            }
        }
    }
}
