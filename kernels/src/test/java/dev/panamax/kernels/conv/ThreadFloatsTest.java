package dev.panamax.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Kept arrays: reused per slot and thread, grown when asked for more, cleared when zeros are asked for, never kept over the cap. */
class ThreadFloatsTest {
    @Test
    void aSlotIsReusedGrownAndClearedOnItsThreadOnly() throws Exception {
        ThreadFloats kept = new ThreadFloats(2, 100);
        float[] a = kept.atLeast(0, 10);
        Arrays.fill(a, 7f);
        assertSame(a, kept.atLeast(0, 8), "a smaller request reuses the slot's array");
        assertNotSame(a, kept.atLeast(1, 8), "slots are apart");
        float[] z = kept.zeros(0, 6);
        assertSame(a, z);
        for (int i = 0; i < 6; i++) assertEquals(0f, z[i], "cleared " + i);
        assertEquals(7f, z[6], "only the floats asked for are cleared");
        float[] grown = kept.atLeast(0, 50);
        assertTrue(grown.length >= 50);
        assertSame(grown, kept.atLeast(0, 50));
        float[] other = CompletableFuture.supplyAsync(() -> kept.atLeast(0, 50)).get();
        assertNotSame(grown, other, "another thread has its own");
        float[] big = kept.zeros(0, 101);
        assertNotSame(big, kept.zeros(0, 101), "over the cap: a new array each call");
        assertSame(grown, kept.atLeast(0, 50), "and the kept one stays");
    }
}
