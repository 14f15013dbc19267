package dev.panamax.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.openblas.Cblas;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmTableTest {
    @Test
    void measuresOnlyTheImplementationsAndThreadCountsAskedFor() {
        List<GemmTable.Row> java = GemmTable.measure(new int[] {8, 16}, new int[] {1}, 0.01, EnumSet.of(GemmTable.Impl.java));
        assertEquals(List.of("java 8 1", "java 16 1"), java.stream().map(r -> r.impl() + " " + r.n() + " " + r.threads()).toList());
        assertTrue(java.stream().allMatch(r -> r.gflops() > 0), java.toString());

        List<GemmTable.Row> blas = GemmTable.measure(new int[] {8}, new int[] {1}, 0.01, EnumSet.of(GemmTable.Impl.openblas));
        assertEquals(Cblas.isAvailable() ? List.of("openblas") : List.of(), blas.stream().map(GemmTable.Row::impl).toList());
    }

    @Test
    void jsonLinesCarryTheFieldsScriptsRead() {
        assertEquals("{\"impl\": \"java\", \"n\": 1024, \"threads\": 2, \"gflops\": 123.4}",
                new GemmTable.Row("java", 1024, 2, 123.44).json());
    }
}
