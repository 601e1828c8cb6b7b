package dev.kcl.checkpoint;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's layering, checked on its compiled classes (DESIGN.md section 1). */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void checkpointingSeesNoAwsSdk() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .because("checkpoints are written through the lease coordinator, never to DynamoDB directly")
                .check(MAIN);
    }
}
