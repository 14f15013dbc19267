package dev.panamax.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.libc.Stdlib;
import dev.panamax.ffm.testing.CHeader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StdlibBindingTest {
    @Test
    void bindingsMatchTheInstalledHeader() throws Exception {
        CHeader h = CHeader.read(Path.of("/usr/include/stdlib.h"));
        CHeader.Prototype alloc = h.prototype("aligned_alloc").orElseThrow();
        assertEquals("void*", alloc.returnType());
        assertEquals(Stdlib.ALIGNED_ALLOC$DESC, alloc.descriptor(Map.of()));
        assertEquals(Stdlib.FREE$DESC, h.prototype("free").orElseThrow().descriptor(Map.of()));
    }

    @Test
    void headerParserCanTellAWrongBindingApart() throws Exception {
        CHeader h = CHeader.read(Path.of("/usr/include/stdlib.h"));
        assertNotEquals(Stdlib.FREE$DESC, h.prototype("aligned_alloc").orElseThrow().descriptor(Map.of()));
        assertTrue(h.prototype("no_such_function_here").isEmpty());
    }

    @Test
    void alignedAllocGivesAlignedMemory() {
        MemorySegment p = Stdlib.aligned_alloc(64, 640);
        assertNotEquals(MemorySegment.NULL, p);
        assertEquals(0, p.address() % 64);
        Stdlib.free(p);
    }

    @Test
    void missingLibrariesAreReportedNotFatal() {
        NativeLibs.Found cuda = NativeLibs.cudaRuntime();
        if (!cuda.available()) assertTrue(cuda.problem().contains("libcudart"), cuda.problem());
        boolean systemHasOpenBlas = java.nio.file.Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"));
        if (systemHasOpenBlas) {
            NativeLibs.Found blas = NativeLibs.openblas();
            assertTrue(blas.available(), String.valueOf(blas.problem()));
            assertTrue(blas.path().contains("openblas"), blas.path());
        }
    }

    @Test
    void explicitBadPathIsAClearErrorNotAThrow() {
        System.setProperty("panamax.cublas", "/nonexistent/libcublas.so");
        try {
            NativeLibs.Found f = NativeLibs.cublas();
            assertFalse(f.available());
            assertTrue(f.problem().contains("cannot load /nonexistent/libcublas.so (given by -Dpanamax.cublas"), f.problem());
            assertFalse(f.problem().contains("\n"), f.problem());
        } finally {
            System.clearProperty("panamax.cublas");
        }
    }
}
