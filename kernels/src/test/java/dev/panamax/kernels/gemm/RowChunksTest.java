package dev.panamax.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RowChunksTest {
    @Test
    void chunksCoverTheRowsInOrderAndShrinkTowardsTheEnd() {
        for (int threads : new int[] {2, 3, 8}) {
            for (int m : new int[] {1, 7, 31, 32, 33, 120, 121, 250, 1000, 1024, 4099}) {
                int[] b = GemmDriver.rowChunks(m, threads);
                String where = "m=" + m + " threads=" + threads + " " + Arrays.toString(b);
                assertEquals(0, b[0], where);
                assertEquals(m, b[b.length - 1], where);
                for (int i = 1; i < b.length; i++) {
                    int size = b[i] - b[i - 1];
                    assertTrue(size > 0 && size <= GemmConfig.MC, where);
                    if (i < b.length - 1) {
                        assertEquals(0, size % GemmConfig.MR, where);
                        assertTrue(size >= GemmDriver.MIN_CHUNK_ROWS, where);
                    }
                    if (i > 1) assertTrue(size <= b[i - 1] - b[i - 2] || i == b.length - 1, "sizes never grow but the last: " + where);
                }
            }
        }
        // plenty of rows: whole MC blocks first, several small chunks at the end
        int[] b = GemmDriver.rowChunks(1024, 2);
        assertEquals(GemmConfig.MC, b[1] - b[0]);
        assertTrue(b[b.length - 1] - b[b.length - 2] < GemmConfig.MC / 2, Arrays.toString(b));
    }
}
