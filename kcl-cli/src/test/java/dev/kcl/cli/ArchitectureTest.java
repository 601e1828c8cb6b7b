package dev.kcl.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's layering, checked on its compiled classes (DESIGN.md section 1). */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void usesNoOtherModulesInternals() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.kcl.internal..")
                .because(
                        "internal packages are private to the module that holds them; use the public API or dev.kcl.spi")
                .check(MAIN);
    }
}
