package dev.panamax.kernels.norm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import java.lang.foreign.MemorySegment;

/** What the row-normalisation kernels share: splitting rows over the kernel threads, and element reads. */
final class Rows {
    /** Row elements per task below which splitting costs more than it saves. */
    private static final long GRAIN_ELEMENTS = 1 << 14;

    private Rows() {}

    /** Work on rows {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(long from, long to);
    }

    /** Runs {@code body} over {@code rows} rows of {@code cols} values, split over the threads when that pays. */
    static void split(long rows, long cols, Range body) {
        long grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, cols));
        if (rows < 2 * grain || Parallel.THREADS == 1) body.run(0, rows);  // no task objects for small work
        else Parallel.forRange(rows, grain, body::run);
    }

    static float f(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    static double d(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }
}
