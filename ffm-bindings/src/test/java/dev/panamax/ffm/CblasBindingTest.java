package dev.panamax.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.ffm.testing.CHeader;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each OpenBLAS binding's descriptor against the prototype in the installed {@code cblas.h}. */
class CblasBindingTest {
    static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/cblas.h");
    /** Debian's OpenBLAS is built with 32-bit integers; enums are int-sized. */
    static final Map<String, MemoryLayout> TYPEDEFS = Map.of(
            "blasint", ValueLayout.JAVA_INT,
            "CBLAS_ORDER", ValueLayout.JAVA_INT, "enum CBLAS_ORDER", ValueLayout.JAVA_INT,
            "CBLAS_TRANSPOSE", ValueLayout.JAVA_INT, "enum CBLAS_TRANSPOSE", ValueLayout.JAVA_INT);

    @Test
    void everyBindingMatchesItsPrototype() throws Exception {
        assumeTrue(Files.exists(HEADER), "cblas.h not installed (apt-get install libopenblas-pthread-dev); .ci/run installs it");
        CHeader h = CHeader.read(HEADER, "OPENBLAS_CONST");
        // Every NAME$DESC constant is a binding of the C function name; none may escape the check.
        Map<String, FunctionDescriptor> bindings = new java.util.TreeMap<>();
        for (java.lang.reflect.Field f : Cblas.class.getFields()) {
            if (f.getName().endsWith("$DESC")) {
                bindings.put(f.getName().replace("$DESC", "").toLowerCase(java.util.Locale.ROOT), (FunctionDescriptor) f.get(null));
            }
        }
        assertEquals(18, bindings.size(), bindings.keySet().toString());
        for (var e : bindings.entrySet()) {
            CHeader.Prototype p = h.prototype(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " not in cblas.h"));
            assertEquals(p.descriptor(TYPEDEFS), e.getValue(), e.getKey() + " declared as " + p);
        }
    }

    @Test
    void cblasCallsComputeTheRightNumbers() {
        assumeTrue(Cblas.isAvailable(), "OpenBLAS not installed");
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5, 6);        // 2 x 3
            var b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 0, 0, 1, 1, 1);        // 3 x 2
            var c = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            Cblas.cblas_sgemm(Cblas.CblasRowMajor, Cblas.CblasNoTrans, Cblas.CblasNoTrans, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
            assertEquals(java.util.List.of(4f, 5f, 10f, 11f), java.util.List.of(c.getAtIndex(ValueLayout.JAVA_FLOAT, 0),
                    c.getAtIndex(ValueLayout.JAVA_FLOAT, 1), c.getAtIndex(ValueLayout.JAVA_FLOAT, 2), c.getAtIndex(ValueLayout.JAVA_FLOAT, 3)));
            assertEquals(1 + 4 + 9 + 16 + 25 + 36, Cblas.cblas_sdot(6, a, 1, a, 1));
            float[] heap = {3, 4};  // critical calls accept heap segments
            assertEquals(5f, Cblas.cblas_snrm2(2, java.lang.foreign.MemorySegment.ofArray(heap), 1));
            var d = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1, 2);
            Cblas.cblas_dscal(2, 3, d, 1);
            Cblas.cblas_daxpy(2, 1, d, 1, d, 1);
            assertEquals(12.0, d.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
        }
    }

    @Test
    void openBlasAnswersWhenInstalled() {
        assumeTrue(Cblas.isAvailable(), "OpenBLAS not installed");
        String config = Cblas.string(Cblas.openblas_get_config());
        assertTrue(config.contains("OpenBLAS"), config);
        assertFalse(Cblas.string(Cblas.openblas_get_corename()).isBlank());
        assertFalse(config.contains("USE64BITINT"), "bindings assume 32-bit blasint: " + config);
        int before = Cblas.openblas_get_num_threads();
        Cblas.openblas_set_num_threads(1);
        assertEquals(1, Cblas.openblas_get_num_threads());
        Cblas.openblas_set_num_threads(before);
    }
}
