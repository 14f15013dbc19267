package dev.panamax.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Off-heap test buffers (vector kernels only run on native segments) filled with reproducible values. They
 * come from an automatic arena: the kernels module has no Arrow allocator to account them to.
 */
final class KernelTestSupport {
    private KernelTestSupport() {}

    /** Lengths that exercise empty, sub-vector, exact-vector and tail cases for 8- and 16-lane species. */
    static final int[] LENGTHS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 127, 129, 1000, 4099};

    static MemorySegment floats(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, n) * 4L + 64, 64);
        for (int i = 0; i < n + 16; i++) {
            if ((i + 1) * 4L <= s.byteSize()) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(lo, hi));
        }
        return s;
    }

    static MemorySegment doubles(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, n) * 8L + 64, 64);
        for (int i = 0; i < n + 8; i++) {
            if ((i + 1) * 8L <= s.byteSize()) s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, r.nextDouble(lo, hi));
        }
        return s;
    }

    static MemorySegment zeros(int bytes) {
        return Arena.ofAuto().allocate(Math.max(1, bytes) + 64L, 64);
    }
}
