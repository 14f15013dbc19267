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
        CHeader h = CHeader.read(HEADER);
        Map<String, FunctionDescriptor> bindings = Map.of(
                "openblas_set_num_threads", Cblas.OPENBLAS_SET_NUM_THREADS$DESC,
                "openblas_get_num_threads", Cblas.OPENBLAS_GET_NUM_THREADS$DESC,
                "openblas_get_config", Cblas.OPENBLAS_GET_CONFIG$DESC,
                "openblas_get_corename", Cblas.OPENBLAS_GET_CORENAME$DESC);
        for (var e : bindings.entrySet()) {
            CHeader.Prototype p = h.prototype(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " not in cblas.h"));
            assertEquals(p.descriptor(TYPEDEFS), e.getValue(), e.getKey() + " declared as " + p);
        }
    }

    @Test
    void openBlasAnswersWhenInstalled() {
        assumeTrue(Cblas.isAvailable(), "OpenBLAS not installed");
        String config = Cblas.string(Cblas.openblas_get_config());
        assertTrue(config.contains("OpenBLAS"), config);
        assertFalse(Cblas.string(Cblas.openblas_get_corename()).isBlank());
        int before = Cblas.openblas_get_num_threads();
        Cblas.openblas_set_num_threads(1);
        assertEquals(1, Cblas.openblas_get_num_threads());
        Cblas.openblas_set_num_threads(before);
    }
}
