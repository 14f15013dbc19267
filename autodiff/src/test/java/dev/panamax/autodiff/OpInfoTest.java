package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.op.Add;
import dev.panamax.autodiff.testing.GradCheck;
import dev.panamax.autodiff.testing.OpInfo;
import dev.panamax.autodiff.testing.OpInfos;
import dev.panamax.autodiff.testing.PrecisionCheck;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every OpInfo: forward against its reference, a float64 finite-difference check of every input, and the F32
 * production path against the F64 reference (output and gradients). Coverage counts op modes, not classes.
 */
class OpInfoTest {
    static Stream<OpInfo> ops() {
        return OpInfos.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void forwardMatchesReferenceAndGradientsMatchFiniteDifferences(OpInfo op) {
        try (MemoryScope s = MemoryScope.open(op.name())) {
            var samples = op.samples().get();
            assertFalse(samples.isEmpty());
            for (Tensor[] in : samples) {
                if (op.reference() != null) {
                    Var[] consts = new Var[in.length];
                    for (int i = 0; i < in.length; i++) consts[i] = Var.of(in[i]);
                    Tensor got = op.fn().apply(consts).value();
                    Tensor want = op.reference().apply(in);
                    assertTrue(got.allClose(want, 1e-12, 1e-12), op.name() + ": forward " + got + " vs reference " + want);
                }
                GradCheck.check(op.name(), op.fn()::apply, in, 1e-6, op.f64().atol(), op.f64().rtol());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void float32MatchesTheFloat64Reference(OpInfo op) {
        if (op.f32() == null) return;  // an F64-only record says so in the table
        try (MemoryScope s = MemoryScope.open(op.name())) {
            for (Tensor[] in : op.samples().get()) PrecisionCheck.check(op.name(), op.fn(), in, op.f32());
        }
    }

    /** The op names (modes) each record runs, as the tape reports them. */
    static Set<String> observedModes() {
        Set<String> seen = new TreeSet<>();
        for (OpInfo op : OpInfos.all()) {
            try (MemoryScope s = MemoryScope.open(op.name())) {
                Tensor[] in = op.samples().get().get(0);
                Var[] params = new Var[in.length];
                for (int i = 0; i < in.length; i++) params[i] = Var.param(in[i]);
                seen.addAll(op.fn().apply(params).ops());
            }
        }
        return seen;
    }

    /** Every mode of every op class in {@code op/}: its {@link Modes}, or its simple name. */
    static Set<String> declaredModes() throws IOException, URISyntaxException {
        Set<String> declared = new TreeSet<>();
        Path dir = Path.of(Add.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/panamax/autodiff/op");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".class") || n.contains("$")) continue;
                try {
                    Class<?> c = Class.forName("dev.panamax.autodiff.op." + n.substring(0, n.length() - 6));
                    if (!Function.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) continue;
                    Modes m = c.getAnnotation(Modes.class);
                    if (m == null) declared.add(c.getSimpleName());
                    else declared.addAll(Set.of(m.value()));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return declared;
    }

    /** A mode without an OpInfo record fails here: adding an op, or a mode to an op, means adding its record. */
    @Test
    void everyOpModeHasAnOpInfo() throws IOException, URISyntaxException {
        Set<String> missing = declaredModes();
        missing.removeAll(observedModes());
        assertTrue(missing.isEmpty(), "op modes without an OpInfo record: " + missing);
    }

    /** A name on the tape that no class declares is a mode someone added without declaring it in {@link Modes}. */
    @Test
    void everyModeOnTheTapeIsDeclared() throws IOException, URISyntaxException {
        Set<String> undeclared = observedModes();
        undeclared.removeAll(declaredModes());
        assertTrue(undeclared.isEmpty(), "ops on the tape whose class does not declare that mode in @Modes: " + undeclared);
    }
}
