package dev.panamax.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface is a deliberate list: {@code public-api/<module>.txt} names every package of the library
 * module as {@code api} (what users program against, with each public type listed) or {@code internal} (public only
 * because a sibling module uses it; no compatibility promise). A new package, or a new public type in an
 * {@code api} package, fails this test until it is added to the list on purpose. {@code -Dpanamax.writeApi=true}
 * rewrites the lists from the classes, for a reviewer to read as a diff.
 */
class PublicApiTest {
    /** The library modules by their base package; cli and bench are applications, not API. */
    private static final List<String> MODULES = List.of("ffm", "kernels", "tensors", "data", "autodiff", "nn", "onnx", "apps");
    private static final Path DIR = Path.of("public-api");

    @Test
    void everyPackageIsClassifiedAndApiPackagesListTheirPublicTypes() throws IOException {
        // package -> public types (nested ones as Outer.Inner)
        Map<String, TreeSet<String>> found = new TreeMap<>();
        for (JavaClass c : LibraryClasses.importAll()) {
            String module = moduleOf(c.getPackageName());
            if (module == null) continue;
            TreeSet<String> types = found.computeIfAbsent(c.getPackageName(), k -> new TreeSet<>());
            if (isPublicApi(c)) types.add(c.getName().substring(c.getPackageName().length() + 1).replace('$', '.'));
        }
        List<String> problems = new ArrayList<>();
        for (String module : MODULES) {
            Path file = DIR.resolve(module + ".txt");
            Map<String, TreeSet<String>> mine = new TreeMap<>();
            found.forEach((pkg, types) -> { if (module.equals(moduleOf(pkg))) mine.put(pkg, types); });
            if (Boolean.getBoolean("panamax.writeApi")) write(file, mine, Files.exists(file) ? read(file) : Map.of());
            Map<String, Optional<TreeSet<String>>> listed = read(file);
            for (var e : mine.entrySet()) {
                Optional<TreeSet<String>> want = listed.get(e.getKey());
                if (want == null) {
                    problems.add(file + ": package " + e.getKey() + " is not listed; add it as 'api' (with its public types) or 'internal'");
                } else if (want.isPresent() && !want.get().equals(e.getValue())) {
                    TreeSet<String> added = new TreeSet<>(e.getValue()), removed = new TreeSet<>(want.get());
                    added.removeAll(want.get());
                    removed.removeAll(e.getValue());
                    problems.add(file + ": api package " + e.getKey() + (added.isEmpty() ? "" : " has unlisted public types " + added)
                            + (removed.isEmpty() ? "" : " no longer has listed types " + removed));
                }
            }
            for (String pkg : listed.keySet()) {
                if (!mine.containsKey(pkg)) problems.add(file + ": lists package " + pkg + ", which has no classes");
            }
        }
        if (!problems.isEmpty()) {
            fail("The public API differs from its lists (run with -Dpanamax.writeApi=true to rewrite them, then review the diff):\n  "
                    + String.join("\n  ", problems));
        }
    }

    /**
     * An API type's public and protected members take and return only API types (or the JDK's and libraries'): a user
     * who calls the API never needs an internal class (as F's convolutions once needed the kernels' padding enum).
     */
    @Test
    void apiSignaturesUseOnlyApiTypes() throws IOException {
        Set<String> apiPackages = new TreeSet<>();
        for (String module : MODULES) {
            read(DIR.resolve(module + ".txt")).forEach((pkg, types) -> { if (types.isPresent()) apiPackages.add(pkg); });
        }
        List<String> problems = new ArrayList<>();
        for (JavaClass c : LibraryClasses.importAll()) {
            if (!apiPackages.contains(c.getPackageName()) || !isPublicApi(c)) continue;
            for (JavaMember m : c.getMembers()) {
                Set<JavaModifier> mods = m.getModifiers();
                if (!mods.contains(JavaModifier.PUBLIC) && !(mods.contains(JavaModifier.PROTECTED) && !c.getModifiers().contains(JavaModifier.FINAL))
                        || mods.contains(JavaModifier.SYNTHETIC)) {
                    continue;
                }
                List<JavaClass> used = new ArrayList<>();
                if (m instanceof JavaCodeUnit u) {
                    used.addAll(u.getRawParameterTypes());
                    used.add(u.getRawReturnType());
                } else if (m instanceof JavaField fld) {
                    used.add(fld.getRawType());
                }
                for (JavaClass t : used) {
                    JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
                    if (base.getPackageName().startsWith("dev.panamax") && !(apiPackages.contains(base.getPackageName()) && isPublicApi(base))) {
                        problems.add(c.getSimpleName() + "." + m.getName() + " uses " + base.getName());
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "public API members that use internal types:\n  " + String.join("\n  ", new TreeSet<>(problems)));
    }

    @Test
    void theBomManagesEveryLibraryModuleAtTheReactorsVersion() throws IOException {
        String bom = Files.readString(Path.of("..", "bom", "pom.xml"), StandardCharsets.UTF_8);
        String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        String version = between(parent, "<version>", "</version>");
        assertEquals(version, between(bom, "<version>", "</version>"), "bom/pom.xml's version must be the reactor's");
        for (String artifact : List.of("ffm-bindings", "kernels", "tensors", "data", "autodiff", "nn", "onnx", "apps")) {
            assertTrue(bom.contains("<artifactId>panamax-" + artifact + "</artifactId>"), "bom/pom.xml lacks panamax-" + artifact);
        }
    }

    private static String between(String s, String open, String close) {
        int from = s.indexOf(open, s.indexOf("<artifactId>")) + open.length();
        return s.substring(from, s.indexOf(close, from));
    }

    private static String moduleOf(String pkg) {
        for (String m : MODULES) if (pkg.equals("dev.panamax." + m) || pkg.startsWith("dev.panamax." + m + ".")) return m;
        return null;
    }

    /** Public, and every class around it public too; anonymous, local and synthetic classes never are. */
    private static boolean isPublicApi(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC) || k.isAnonymousClass() || k.isLocalClass()
                    || k.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                return false;
            }
        }
        return true;
    }

    /** {@code api PACKAGE} followed by indented type names, or {@code internal PACKAGE}; {@code #} starts a comment. */
    private static Map<String, Optional<TreeSet<String>>> read(Path file) throws IOException {
        Map<String, Optional<TreeSet<String>>> out = new TreeMap<>();
        if (!Files.exists(file)) return out;
        String current = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("api ")) {
                current = line.substring(4).strip();
                out.put(current, Optional.of(new TreeSet<>()));
            } else if (line.startsWith("internal ")) {
                current = null;
                out.put(line.substring(9).strip(), Optional.empty());
            } else if (current != null && Character.isWhitespace(raw.charAt(0))) {
                out.get(current).orElseThrow().add(line);
            } else {
                throw new IllegalStateException(file + ": cannot read line '" + raw + "'; expected 'api PACKAGE', an indented type or 'internal PACKAGE'");
            }
        }
        return out;
    }

    /** Rewrites {@code file}: packages keep their classification (new ones come as internal), api types from the classes. */
    private static void write(Path file, Map<String, TreeSet<String>> found, Map<String, Optional<TreeSet<String>>> old) throws IOException {
        List<String> header = Files.exists(file)
                ? Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("#")).toList() : List.of();
        List<String> lines = new ArrayList<>(header);
        found.forEach((pkg, types) -> {
            if (old.getOrDefault(pkg, Optional.empty()).isPresent()) {
                lines.add("api " + pkg);
                types.forEach(t -> lines.add("    " + t));
            } else {
                lines.add("internal " + pkg);
            }
        });
        Files.createDirectories(DIR);
        Path tmp = Files.createTempFile(DIR, file.getFileName().toString(), ".tmp");
        Files.write(tmp, Stream.concat(lines.stream(), Stream.empty()).toList(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
