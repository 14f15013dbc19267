package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WindowSamplerTest {
    /** Token i is i, so a window is right exactly when its row counts up by one. */
    static final Tokens COUNTING = Tokens.of(IntStream.range(0, 1000).toArray());

    static int[][] draws(long seed, int n) {
        try (MemoryScope s = MemoryScope.open("t"); WindowSampler sampler = new WindowSampler(COUNTING, 4, 8, seed)) {
            int[][] out = new int[n][];
            for (int i = 0; i < n; i++) out[i] = sampler.next().windows().toIntArray();
            return out;
        }
    }

    @Test
    void windowsAreConsecutiveTokensAndTargetsAreInputsShiftedByOne() {
        try (MemoryScope s = MemoryScope.open("t"); WindowSampler sampler = new WindowSampler(COUNTING, 4, 8, 1)) {
            WindowSampler.Batch b = sampler.next();
            assertEquals(DType.I32, b.inputs().dtype());
            assertArrayEquals(new long[] {4, 8}, b.inputs().shape());
            assertArrayEquals(new long[] {4, 8}, b.targets().shape());
            for (int row = 0; row < 4; row++) {
                long start = b.windows().getLong(row, 0);
                for (int t = 0; t < 8; t++) {
                    assertEquals(start + t, b.inputs().getLong(row, t));
                    assertEquals(start + t + 1, b.targets().getLong(row, t), "target follows its input");
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameWindowsAndAnotherSeedOthers() {
        int[][] a = draws(42, 5), b = draws(42, 5), c = draws(43, 5);
        assertTrue(Arrays.deepEquals(a, b));
        assertFalse(Arrays.deepEquals(a, c));
        assertFalse(Arrays.equals(a[0], a[1]), "successive draws differ");
    }

    @Test
    void drawsReuseOneBufferAndReachBothEnds() {
        Tokens ten = Tokens.of(IntStream.range(0, 10).toArray());
        try (MemoryScope s = MemoryScope.open("t"); WindowSampler sampler = new WindowSampler(ten, 16, 9, 5)) {
            WindowSampler.Batch first = sampler.next();
            long before = Memory.allocationCount();
            for (int i = 0; i < 50; i++) assertSame(first, sampler.next());
            assertEquals(before, Memory.allocationCount(), "a draw allocates no tensor memory");
            assertEquals(0, first.windows().getLong(0, 0), "with 10 tokens and context 9 the only window starts at 0");
            assertEquals(9, first.targets().getLong(15, 8));
        }
    }

    @Test
    void tooFewTokensForOneWindowIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WindowSampler(Tokens.of(1, 2, 3), 2, 3, 0));
        assertTrue(e.getMessage().contains("3 tokens") && e.getMessage().contains("4"), e.getMessage());
    }
}
