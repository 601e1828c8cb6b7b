package dev.kcl;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.kcl.spi.RetrievalContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's layering, checked on its compiled classes (DESIGN.md section 1). */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    /**
     * SDK types live in {@code dev.kcl.aws}. The two exceptions are where clients enter: the {@link Worker} builder
     * that takes them and the {@link RetrievalContext} that hands the Kinesis client to a retrieval adapter.
     */
    @Test
    void engineCodeSeesNoAwsSdk() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.kcl", "dev.kcl.internal..", "dev.kcl.metrics..", "dev.kcl.spi..", "dev.kcl.testing..")
                .and(not(belongToAnyOf(Worker.class, RetrievalContext.class)))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .because("engine code imports no AWS SDK types; they live only in adapter packages")
                .check(MAIN);
    }

    @Test
    void thePublicApiDoesNotReachIntoInternalPackages() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.kcl.metrics..", "dev.kcl.spi..", "dev.kcl.testing..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.kcl.internal..")
                .because("the extension points and test helpers users build on must not tie them to internals")
                .check(MAIN);
    }
}
