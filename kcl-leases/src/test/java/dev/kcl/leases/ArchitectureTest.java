package dev.kcl.leases;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's layering, checked on its compiled classes (DESIGN.md section 1). */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void onlyTheDynamoDbAdapterSeesTheAwsSdk() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.kcl.leases.dynamodb..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .because("the lease protocol is engine code; SDK types live only in adapter packages")
                .check(MAIN);
    }
}
