package dev.panamax.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map of DESIGN.md as rules over every module's main classes (tests may use what their module's test
 * class path holds). Layers, bottom up: {@code ffm} and {@code kernels}; {@code tensors}; {@code data}; {@code autodiff};
 * {@code nn}; {@code onnx}; {@code apps}; {@code cli}; {@code bench}. A layer uses only layers
 * below it, with two narrower rules: {@code data} uses only {@code tensors}, and above {@code tensors} only kernels'
 * value types are used (kernels are reached through the {@code Backend}). And no two packages depend on each
 * other, directly or around a cycle.
 */
class ArchitectureTest {
    private static final String BASE = "dev.panamax.";

    /** Bottom up; each layer may use the layers listed with it, all below it. Optional layers may not exist yet. */
    private record Layer(String name, boolean optional, List<String> mayUse) {
        String packages() {
            return BASE + name + "..";
        }
    }

    private static final List<Layer> LAYERS = List.of(
            new Layer("ffm", false, List.of()),
            new Layer("kernels", false, List.of()),
            new Layer("tensors", false, List.of("ffm", "kernels")),
            new Layer("data", true, List.of("tensors")),
            new Layer("autodiff", false, List.of("ffm", "kernels", "tensors")),
            new Layer("nn", false, List.of("ffm", "kernels", "tensors", "data", "autodiff")),
            new Layer("onnx", false, List.of("ffm", "kernels", "tensors", "data", "autodiff", "nn")),
            new Layer("apps", true, List.of("ffm", "kernels", "tensors", "data", "autodiff", "nn", "onnx")),
            new Layer("cli", false, List.of("ffm", "kernels", "tensors", "data", "autodiff", "nn", "onnx", "apps")),
            new Layer("bench", false, List.of("ffm", "kernels", "tensors", "data", "autodiff", "nn", "onnx", "apps", "cli")));

    /** What layers above tensors may use from kernels: shapes and op codes (the package kernels.spec), never a kernel. */
    private static final DescribedPredicate<JavaClass> KERNEL_VALUE_TYPE = DescribedPredicate.describe(
            "kernels' value types (the package " + BASE + "kernels.spec: Conv2dShape, BinaryOp, UnaryOp, ReduceOp, CompareOp, Erf)",
            c -> c.getPackageName().equals(BASE + "kernels.spec"));

    private static final DescribedPredicate<JavaClass> IN_KERNELS =
            DescribedPredicate.describe("classes in " + BASE + "kernels..", c -> inLayer(c, "kernels"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = LibraryClasses.importAll();
    }

    @Test
    void lowerLayersNeverUseHigherOnes() {
        var rule = layeredArchitecture().consideringOnlyDependenciesInLayers().ensureAllClassesAreContainedInArchitecture();
        for (Layer l : LAYERS) {
            rule = (l.optional() ? rule.optionalLayer(l.name()) : rule.layer(l.name())).definedBy(l.packages());
        }
        for (Layer l : LAYERS) {
            var where = rule.whereLayer(l.name());
            rule = l.mayUse().isEmpty() ? where.mayNotAccessAnyLayer() : where.mayOnlyAccessLayers(l.mayUse().toArray(String[]::new));
        }
        rule.check(classes);
    }

    /** Kernels are reached through the tensors' {@code Backend}: above tensors, only kernels' value types. */
    @Test
    void kernelsAreReachedThroughTheBackend() {
        for (String layer : List.of("data", "autodiff", "nn", "onnx")) {
            noDependencies(layer, IN_KERNELS.and(DescribedPredicate.not(KERNEL_VALUE_TYPE))).allowEmptyShould(true).check(classes);
        }
    }

    /** Every package is its own slice: no two packages depend on each other, directly or around a cycle. */
    @Test
    void noPackageCycles() {
        slices().matching(BASE + "(**)").should().beFreeOfCycles().check(classes);
    }

    /** The pom lists every module with classes: a module left out would be invisible to the rules above. */
    @Test
    void everyModuleIsOnThisModulesClassPath() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Set<String> modules = new TreeSet<>(all(Pattern.compile("<module>([^<]+)</module>"), Files.readString(root.resolve("pom.xml"))));
        modules.removeIf(m -> !Files.isDirectory(root.resolve(m).resolve("src/main/java")));
        Set<String> declared = new TreeSet<>(all(Pattern.compile("<artifactId>panamax-([^<]+)</artifactId>"),
                Files.readString(root.resolve("architecture/pom.xml"))));
        declared.remove("architecture");
        assertTrue(declared.containsAll(modules), "architecture/pom.xml should depend on every module: " + modules + ", has " + declared);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Classes in {@code dev.panamax.<layer>..} use no class matching {@code target}. */
    private static ArchRule noDependencies(String layer, DescribedPredicate<JavaClass> target) {
        return classes().that().resideInAPackage(BASE + layer + "..")
                .should(new ArchCondition<JavaClass>("not depend on " + target.getDescription()) {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            if (target.test(d.getTargetClass())) {
                                events.add(SimpleConditionEvent.violated(d, key(d) + ": " + d.getDescription()));
                            }
                        }
                    }
                });
    }

    private static boolean inLayer(JavaClass c, String layer) {
        String p = c.getPackageName();
        return p.equals(BASE + layer) || p.startsWith(BASE + layer + ".");
    }

    /** "autodiff.op.Conv2d -> kernels.Elementwise": top-level classes, without the common prefix. */
    static String key(Dependency d) {
        return topLevel(d.getOriginClass()) + " -> " + topLevel(d.getTargetClass());
    }

    private static String topLevel(JavaClass c) {
        String name = c.getName();
        int dollar = name.indexOf('$');
        return (dollar < 0 ? name : name.substring(0, dollar)).substring(BASE.length());
    }

    private static List<String> all(Pattern p, String text) {
        List<String> found = new ArrayList<>();
        for (Matcher m = p.matcher(text); m.find(); ) found.add(m.group(1));
        return found;
    }
}
