package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.testing.GradCheck;
import dev.panamax.autodiff.testing.OpInfo;
import dev.panamax.autodiff.testing.OpInfos;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every OpInfo: forward against its reference, and a float64 finite-difference check of every input. */
class OpInfoTest {
    static Stream<OpInfo> ops() {
        return OpInfos.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void forwardMatchesReferenceAndGradientsMatchFiniteDifferences(OpInfo op) {
        try (MemoryScope s = MemoryScope.open(op.name())) {
            List<Tensor[]> samples = op.samples().get();
            assertFalse(samples.isEmpty());
            for (Tensor[] in : samples) {
                if (op.reference() != null) {
                    Var[] consts = new Var[in.length];
                    for (int i = 0; i < in.length; i++) consts[i] = Var.of(in[i]);
                    Tensor got = op.fn().apply(consts).value();
                    Tensor want = op.reference().apply(in);
                    assertTrue(got.allClose(want, 1e-12, 1e-12), op.name() + ": forward " + got + " vs reference " + want);
                }
                GradCheck.check(op.name(), op.fn(), in, 1e-6, op.atol(), op.rtol());
            }
        }
    }

    /** A primitive without an OpInfo record fails here: adding an op means adding its record. */
    @org.junit.jupiter.api.Test
    void everyPrimitiveHasAnOpInfo() throws IOException, URISyntaxException {
        Set<String> covered = new HashSet<>();
        for (OpInfo op : OpInfos.all()) if (op.primitive() != null) covered.add(op.primitive().getSimpleName());
        Path dir = Path.of(dev.panamax.autodiff.op.Add.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/panamax/autodiff/op");
        Set<String> missing = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".class") || n.contains("$")) continue;
                String cls = n.substring(0, n.length() - 6);
                try {
                    Class<?> c = Class.forName("dev.panamax.autodiff.op." + cls);
                    boolean concreteOp = Function.class.isAssignableFrom(c) && !java.lang.reflect.Modifier.isAbstract(c.getModifiers());
                    if (concreteOp && !covered.contains(cls)) missing.add(cls);
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertTrue(missing.isEmpty(), "ops without an OpInfo record: " + missing);
    }
}
