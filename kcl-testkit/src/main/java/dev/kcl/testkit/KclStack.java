package dev.kcl.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against one {@link AwsStack} shared by the whole test run; test methods and constructors
 * can declare {@link AwsStack} and {@link TestNames} parameters.
 *
 * <pre>{@code
 * @KclStack
 * class OrdersIT {
 *     @Test
 *     void readsBack(AwsStack stack, TestNames names) {
 *         StreamAdmin.of(stack.kinesis()).create(names.streamName(), 2);
 *     }
 * }
 * }</pre>
 *
 * @see KclStackExtension
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(KclStackExtension.class)
public @interface KclStack {}
