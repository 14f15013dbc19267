package dev.panamax.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Panamax's main classes as the rules read them: no test classes, and no test-jars (autodiff's op catalogue is one). */
final class LibraryClasses {
    private LibraryClasses() {}

    static JavaClasses importAll() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.panamax");
    }
}
