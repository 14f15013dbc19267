package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.MR;
import static dev.panamax.kernels.gemm.GemmConfig.NR;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Copies blocks of A and B into the order the microkernel reads them, zero-padded to whole panels.
 * Element {@code (i, p)} of {@code op(A)} is {@code a[aOff + i·rs + p·cs]}; the two layouts that occur
 * (rows contiguous, or columns contiguous: a transpose) are both read with bulk copies, never one scalar
 * segment read per element (those are not vectorised by C2).
 */
final class Pack {
    private static final boolean VECTOR_ROWS = Simd.ENABLED && Microkernel.L * 2 == NR;
    private static final boolean VECTOR_COLUMNS = Simd.ENABLED && MR == 4;

    private Pack() {}

    /**
     * {@code MR} rows of {@code kc} floats at {@code src}, {@code src + rs}, … interleaved into
     * {@code dst[base + p·MR + r]}. {@code tmp} holds {@code MR·kc} floats: the rows are copied in bulk first,
     * then interleaved with sequential stores.
     */
    private static void interleaveRows(float[] dst, int base, MemorySegment a, long src, long rs, int kc, float[] tmp) {
        for (int r = 0; r < MR; r++) MemorySegment.copy(a, JAVA_FLOAT_UNALIGNED, (src + r * rs) * 4, tmp, r * kc, kc);
        for (int p = 0, d = base; p < kc; p++, d += MR) {
            for (int r = 0; r < MR; r++) dst[d + r] = tmp[r * kc + p];
        }
    }

    /**
     * Packs the {@code mc × kc} block of op(A) at {@code (i0, p0)} into panels of {@link GemmConfig#MR} rows:
     * {@code dst[panel·MR·kc + p·MR + r] = A(i0 + panel·MR + r, p0 + p)}. {@code tmp} holds at least MR·kc floats.
     */
    static void a(float[] dst, MemorySegment a, long aOff, long rs, long cs, int i0, int mc, int p0, int kc, float[] tmp) {
        for (int panel = 0, ir = 0; ir < mc; panel++, ir += MR) {
            int base = panel * MR * kc;
            int rows = Math.min(MR, mc - ir);
            if (cs == 1 && rows == MR) {
                interleaveRows(dst, base, a, aOff + (i0 + ir) * rs + p0, rs, kc, tmp);
            } else if (cs == 1) {
                for (int r = 0; r < MR; r++) {
                    if (r >= rows) {
                        for (int p = 0; p < kc; p++) dst[base + p * MR + r] = 0f;
                        continue;
                    }
                    long src = aOff + (i0 + ir + r) * rs + p0;
                    MemorySegment.copy(a, JAVA_FLOAT_UNALIGNED, src * 4, tmp, 0, kc);
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = tmp[p];
                }
            } else if (rs == 1 && rows == MR && VECTOR_COLUMNS && a.isNative()) {
                PackSlices.columnsOfA(dst, base, a, aOff + i0 + ir + p0 * cs, cs, kc);
            } else if (rs == 1) {
                for (int p = 0; p < kc; p++) {
                    long src = aOff + (i0 + ir) + (p0 + p) * cs;
                    MemorySegment.copy(a, JAVA_FLOAT_UNALIGNED, src * 4, dst, base + p * MR, rows);
                    if (rows < MR) Arrays.fill(dst, base + p * MR + rows, base + (p + 1) * MR, 0f);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < MR; r++) {
                        dst[base + p * MR + r] = r < rows
                                ? a.getAtIndex(JAVA_FLOAT_UNALIGNED, aOff + (i0 + ir + r) * rs + (p0 + p) * cs) : 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs the {@code kc × nc} block of op(B) at {@code (p0, j0)} into panels of {@link GemmConfig#NR}
     * columns: {@code dst[dstOff + panel·NR·kc + p·NR + c] = B(p0 + p, j0 + panel·NR + c)}.
     */
    static void b(float[] dst, int dstOff, MemorySegment b, long bOff, long rs, long cs, int p0, int kc, int j0, int nc, float[] tmp) {
        for (int panel = 0, jr = 0; jr < nc; panel++, jr += NR) {
            int base = dstOff + panel * NR * kc;
            int cols = Math.min(NR, nc - jr);
            if (cs == 1 && cols == NR && VECTOR_ROWS && b.isNative()) {
                PackSlices.rowsOfB(dst, base, b, bOff + p0 * rs + j0 + jr, rs, kc);
            } else if (cs == 1) {
                for (int p = 0; p < kc; p++) {
                    long src = bOff + (p0 + p) * rs + j0 + jr;
                    MemorySegment.copy(b, JAVA_FLOAT_UNALIGNED, src * 4, dst, base + p * NR, cols);
                    if (cols < NR) Arrays.fill(dst, base + p * NR + cols, base + (p + 1) * NR, 0f);
                }
            } else if (rs == 1) {
                for (int c = 0; c < NR; c++) {
                    if (c >= cols) {
                        for (int p = 0; p < kc; p++) dst[base + p * NR + c] = 0f;
                        continue;
                    }
                    long src = bOff + p0 + (j0 + jr + c) * cs;
                    MemorySegment.copy(b, JAVA_FLOAT_UNALIGNED, src * 4, tmp, 0, kc);
                    for (int p = 0; p < kc; p++) dst[base + p * NR + c] = tmp[p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    for (int c = 0; c < NR; c++) {
                        dst[base + p * NR + c] = c < cols
                                ? b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + (p0 + p) * rs + (j0 + jr + c) * cs) : 0f;
                    }
                }
            }
        }
    }
}
