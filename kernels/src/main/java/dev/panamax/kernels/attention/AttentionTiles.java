package dev.panamax.kernels.attention;

import static dev.panamax.kernels.attention.Attention.BK;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.LaneSum;
import dev.panamax.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 building blocks of one attention tile, each a Vector API form ({@code vec}) beside its scalar twin. A tile
 * is {@code rows} query rows (of which {@code [r0, rows)} take part) by up to {@link Attention#BK} keys starting at
 * key {@code j0}; row {@code r} sees its first {@code cnt[r]} keys of the tile, and {@code cnt} never decreases
 * from one row to the next. Tiles of scores and probabilities are row-major with row stride {@link Attention#BK}.
 * <ul>
 *   <li>{@link #scores}: {@code s (rows × keys) = a (rows × d)·bt (d × keys)}, from transposed keys or values.</li>
 *   <li>{@link #accumulate}: {@code dst (rows × d) += w (rows × keys)·x (keys × d)}: the output, or {@code dq}.</li>
 *   <li>{@link #accumulateTransposed}: {@code dst (keys × d) += wᵀ (keys × rows)·x (rows × d)}: {@code dv, dk}.</li>
 *   <li>Row operations on one row of a tile: max, exponentials with their sum, {@code dS} from {@code dP}, the
 *       dropout factors and their product.</li>
 * </ul>
 * The products hold a 4 × 2-vector tile of the result in registers (8 independent multiply-add chains, each loaded
 * operand used four times). {@code scores} may fill a row past its count up to the group's last row's count rounded
 * up to the lane count; {@code accumulate} and {@code accumulateTransposed} read {@code w} up to the last row's count,
 * so {@code w[r·BK + j]} must be 0 for {@code cnt[r] <= j < cnt[rows - 1]}. {@code bt} holds
 * {@link Attention#PAD} spare values after its last key. The vector row operations may also write a row's values
 * past its {@code n} up to the next multiple of the lane count (still within the row's {@link Attention#BK}); the
 * caller overwrites them (with the zeros above) before they are read. Lanes are summed in one fixed order
 * ({@code LaneSum}) and exponentials come from {@code VectorMath}: {@code reduceLanes(ADD)} and {@code EXP} round
 * differently before C2 compiles a kernel than after, and the same call gave different last bits depending on when
 * the compiler got to it.
 */
final class AttentionTiles {
    private AttentionTiles() {}

    /** Whether the vector forms fit the tile and padding sizes (a vector of keys within {@link Attention#PAD}). */
    static boolean vectorFits() {
        return Vector.L <= Attention.PAD && BK % (2 * Vector.L) == 0;
    }

    static void scores(boolean vec, float[] s, float[] a, int ai0, int r0, int rows, int[] cnt, float[] bt, int ld, int d, int j0) {
        if (vec) Vector.scores(s, a, ai0, r0, rows, cnt, bt, ld, d, j0);
        else for (int r = r0; r < rows; r++) scoresF(s, r * BK, a, ai0 + r * d, bt, ld, d, j0, 0, cnt[r]);
    }

    /** {@code s[si + j] = Σ_c a[ai + c]·x[(j0 + j)·d + c]} for {@code j < n}: one row against keys in row layout. */
    static void rowScores(boolean vec, float[] s, int si, float[] a, int ai, float[] x, int j0, int n, int d) {
        if (vec && d >= Vector.L) Vector.rowScores(s, si, a, ai, x, j0, n, d);
        else rowScoresF(s, si, a, ai, x, j0, 0, n, d);
    }

    /** {@code dst[di + c] += Σ_{j < n} w[wi + j]·x[(j0 + j)·d + c]}: one row of {@link #accumulate}. */
    static void rowAccumulate(boolean vec, float[] dst, int di, float[] w, int wi, float[] x, int j0, int n, int d) {
        int c = 0;
        if (vec) for (; c + Vector.L <= d; c += Vector.L) Vector.accumulate1x1(dst, di + c, w, wi, x, j0 * d + c, d, n);
        for (; c < d; c++) {
            float a = dst[di + c];
            for (int j = 0; j < n; j++) a += w[wi + j] * x[(j0 + j) * d + c];
            dst[di + c] = a;
        }
    }

    static void accumulate(boolean vec, float[] dst, int di0, float[] w, int r0, int rows, int[] cnt, float[] x, int j0, int d) {
        if (vec) Vector.accumulate(dst, di0, w, r0, rows, cnt, x, j0, d);
        else accumulateF(dst, di0, w, r0, rows, cnt, x, j0, d, 0);
    }

    static void accumulateTransposed(boolean vec, float[] dst, int j0, float[] w, int r0, int rows, int[] cnt, float[] x, int xi0, int d) {
        if (vec) Vector.accumulateTransposed(dst, j0, w, r0, rows, cnt, x, xi0, d);
        else accumulateTransposedF(dst, j0, w, r0, rows, cnt, x, xi0, d, 0, cnt[rows - 1], 0);
    }

    static float max(boolean vec, float[] s, int at, int n) {
        return vec ? Vector.max(s, at, n) : maxF(s, at, 0, n, Float.NEGATIVE_INFINITY);
    }

    /** {@code s[at + j] = exp(s[at + j] - shift)} for {@code j < n}; returns their sum. */
    static float expShift(boolean vec, float[] s, int at, int n, float shift) {
        return vec ? Vector.expShift(s, at, n, shift) : expShiftF(s, at, 0, n, shift);
    }

    /** {@code dp[at + j] = p[at + j]·(dp[at + j] - di)} for {@code j < n}. */
    static void dsFromDp(boolean vec, float[] dp, float[] p, int at, int n, float di) {
        if (vec) Vector.dsFromDp(dp, p, at, n, di);
        else dsFromDpF(dp, p, at, 0, n, di);
    }

    /** {@code row[at + j] *= z[j]} for {@code j < n}. */
    static void mul(boolean vec, float[] row, int at, float[] z, int n) {
        if (vec) Vector.mul(row, at, z, n);
        else mulF(row, at, z, 0, n);
    }

    /** {@code a[at + i] *= f} for {@code i < n}. */
    static void scale(boolean vec, float[] a, int at, int n, float f) {
        if (vec) Vector.scale(a, at, n, f);
        else scaleF(a, at, 0, n, f);
    }

    /** The dropout factors of keys {@code [j0, j0 + n)} of one row ({@link DropoutMask}) into {@code z[0, n)}. */
    static void factors(boolean vec, float[] z, int n, int row, int j0, int threshold, float scale) {
        if (vec) Vector.factors(z, n, row, j0, threshold, scale);
        else DropoutMask.factorsF(z, 0, n, row, j0, threshold, scale);
    }

    // ------------------------------------------------------------------ scalar twins (and vector tails)

    /** {@code s[si + j] = Σ_c a[ai + c]·bt[c·ld + j0 + j]} for {@code j} in {@code [from, n)}. */
    static void scoresF(float[] s, int si, float[] a, int ai, float[] bt, int ld, int d, int j0, int from, int n) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int c = 0, at = j0 + j; c < d; c++, at += ld) acc += a[ai + c] * bt[at];
            s[si + j] = acc;
        }
    }

    /** {@link #rowScores} for the keys {@code [from, n)}. */
    static void rowScoresF(float[] s, int si, float[] a, int ai, float[] x, int j0, int from, int n, int d) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int c = 0, at = (j0 + j) * d; c < d; c++) acc += a[ai + c] * x[at + c];
            s[si + j] = acc;
        }
    }

    /** {@link #accumulate} over the columns {@code [c0, d)}. */
    static void accumulateF(float[] dst, int di0, float[] w, int r0, int rows, int[] cnt, float[] x, int j0, int d, int c0) {
        for (int r = r0; r < rows; r++) {
            for (int c = c0; c < d; c++) {
                float a = dst[di0 + r * d + c];
                for (int j = 0; j < cnt[r]; j++) a += w[r * BK + j] * x[(j0 + j) * d + c];
                dst[di0 + r * d + c] = a;
            }
        }
    }

    /** {@link #accumulateTransposed} for the keys {@code [jFrom, jTo)} over the columns {@code [c0, d)}. */
    static void accumulateTransposedF(float[] dst, int j0, float[] w, int r0, int rows, int[] cnt, float[] x, int xi0, int d, int jFrom,
                                      int jTo, int c0) {
        for (int j = jFrom; j < jTo; j++) {
            for (int c = c0; c < d; c++) {
                float a = 0;
                for (int r = r0; r < rows; r++) if (j < cnt[r]) a += w[r * BK + j] * x[xi0 + r * d + c];
                dst[(j0 + j) * d + c] += a;
            }
        }
    }

    static float maxF(float[] s, int at, int from, int n, float m) {
        for (int j = from; j < n; j++) m = Math.max(m, s[at + j]);
        return m;
    }

    static float expShiftF(float[] s, int at, int from, int n, float shift) {
        float sum = 0;
        for (int j = from; j < n; j++) {
            s[at + j] = (float) Math.exp(s[at + j] - shift);
            sum += s[at + j];
        }
        return sum;
    }

    static void dsFromDpF(float[] dp, float[] p, int at, int from, int n, float di) {
        for (int j = from; j < n; j++) dp[at + j] = p[at + j] * (dp[at + j] - di);
    }

    static void scaleF(float[] a, int at, int from, int n, float f) {
        for (int i = from; i < n; i++) a[at + i] *= f;
    }

    static void mulF(float[] row, int at, float[] z, int from, int n) {
        for (int j = from; j < n; j++) row[at + j] *= z[j];
    }

    /** The Vector API forms; loaded only when {@code Simd.ENABLED}. Small methods, for C2's inlining budget. */
    static final class Vector {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static final VectorSpecies<Integer> I = S.withLanes(int.class);
        static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private Vector() {}

        /** Groups of four rows, two vectors of keys at a time, up to the group's last row's count. */
        static void scores(float[] s, float[] a, int ai0, int r0, int rows, int[] cnt, float[] bt, int ld, int d, int j0) {
            int r = r0;
            for (; r + 4 <= rows; r += 4) {
                int nv = (cnt[r + 3] + L - 1) / L, v = 0, ai = ai0 + r * d, si = r * BK;
                for (; v + 2 <= nv; v += 2) scores4x2(s, si + v * L, a, ai, d, bt, ld, j0 + v * L);
                if (v < nv) scores4x1(s, si + v * L, a, ai, d, bt, ld, j0 + v * L);
            }
            for (; r < rows; r++) {
                int nv = (cnt[r] + L - 1) / L, ai = ai0 + r * d, si = r * BK;
                for (int v = 0; v < nv; v++) scores1x1(s, si + v * L, a, ai, d, bt, ld, j0 + v * L);
            }
        }

        private static void scores4x2(float[] s, int si, float[] a, int ai, int d, float[] bt, int ld, int at) {
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int c = 0; c < d; c++, at += ld) {
                FloatVector b0 = FloatVector.fromArray(S, bt, at), b1 = FloatVector.fromArray(S, bt, at + L);
                FloatVector x = FloatVector.broadcast(S, a[ai + c]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                x = FloatVector.broadcast(S, a[ai + d + c]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                x = FloatVector.broadcast(S, a[ai + 2 * d + c]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                x = FloatVector.broadcast(S, a[ai + 3 * d + c]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
            }
            c00.intoArray(s, si);
            c01.intoArray(s, si + L);
            c10.intoArray(s, si + BK);
            c11.intoArray(s, si + BK + L);
            c20.intoArray(s, si + 2 * BK);
            c21.intoArray(s, si + 2 * BK + L);
            c30.intoArray(s, si + 3 * BK);
            c31.intoArray(s, si + 3 * BK + L);
        }

        private static void scores4x1(float[] s, int si, float[] a, int ai, int d, float[] bt, int ld, int at) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (int c = 0; c < d; c++, at += ld) {
                FloatVector b0 = FloatVector.fromArray(S, bt, at);
                c0 = b0.fma(FloatVector.broadcast(S, a[ai + c]), c0);
                c1 = b0.fma(FloatVector.broadcast(S, a[ai + d + c]), c1);
                c2 = b0.fma(FloatVector.broadcast(S, a[ai + 2 * d + c]), c2);
                c3 = b0.fma(FloatVector.broadcast(S, a[ai + 3 * d + c]), c3);
            }
            c0.intoArray(s, si);
            c1.intoArray(s, si + BK);
            c2.intoArray(s, si + 2 * BK);
            c3.intoArray(s, si + 3 * BK);
        }

        /** One row, one vector of keys: two chains over the even and odd coordinates. */
        private static void scores1x1(float[] s, int si, float[] a, int ai, int d, float[] bt, int ld, int at) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0;
            int c = 0;
            for (; c + 2 <= d; c += 2, at += 2 * ld) {
                c0 = FloatVector.fromArray(S, bt, at).fma(FloatVector.broadcast(S, a[ai + c]), c0);
                c1 = FloatVector.fromArray(S, bt, at + ld).fma(FloatVector.broadcast(S, a[ai + c + 1]), c1);
            }
            if (c < d) c0 = FloatVector.fromArray(S, bt, at).fma(FloatVector.broadcast(S, a[ai + c]), c0);
            c0.add(c1).intoArray(s, si);
        }

        /** A vector of coordinates at a time, reduced per key; the coordinates past the last vector in scalar. */
        static void rowScores(float[] s, int si, float[] a, int ai, float[] x, int j0, int n, int d) {
            int body = S.loopBound(d);
            for (int j = 0; j < n; j++) {
                int at = (j0 + j) * d;
                FloatVector acc = FloatVector.fromArray(S, a, ai).mul(FloatVector.fromArray(S, x, at));
                for (int c = L; c < body; c += L) acc = FloatVector.fromArray(S, a, ai + c).fma(FloatVector.fromArray(S, x, at + c), acc);
                float t = LaneSum.of(acc);
                for (int c = body; c < d; c++) t += a[ai + c] * x[at + c];
                s[si + j] = t;
            }
        }

        /** Groups of four rows, two vectors of columns at a time; scalar columns past the last vector. */
        static void accumulate(float[] dst, int di0, float[] w, int r0, int rows, int[] cnt, float[] x, int j0, int d) {
            int r = r0;
            for (; r + 4 <= rows; r += 4) {
                int n = cnt[r + 3], c = 0;
                for (; c + 2 * L <= d; c += 2 * L) accumulate4x2(dst, di0 + r * d + c, d, w, r * BK, x, j0 * d + c, n);
                for (; c + L <= d; c += L) accumulate4x1(dst, di0 + r * d + c, d, w, r * BK, x, j0 * d + c, n);
                if (c < d) accumulateF(dst, di0, w, r, r + 4, cnt, x, j0, d, c);
            }
            for (; r < rows; r++) {
                int n = cnt[r], c = 0;
                for (; c + L <= d; c += L) accumulate1x1(dst, di0 + r * d + c, w, r * BK, x, j0 * d + c, d, n);
                if (c < d) accumulateF(dst, di0, w, r, r + 1, cnt, x, j0, d, c);
            }
        }

        private static void accumulate4x2(float[] dst, int di, int d, float[] w, int wi, float[] x, int xi, int n) {
            FloatVector a00 = FloatVector.fromArray(S, dst, di), a01 = FloatVector.fromArray(S, dst, di + L);
            FloatVector a10 = FloatVector.fromArray(S, dst, di + d), a11 = FloatVector.fromArray(S, dst, di + d + L);
            FloatVector a20 = FloatVector.fromArray(S, dst, di + 2 * d), a21 = FloatVector.fromArray(S, dst, di + 2 * d + L);
            FloatVector a30 = FloatVector.fromArray(S, dst, di + 3 * d), a31 = FloatVector.fromArray(S, dst, di + 3 * d + L);
            for (int j = 0; j < n; j++, xi += d) {
                FloatVector x0 = FloatVector.fromArray(S, x, xi), x1 = FloatVector.fromArray(S, x, xi + L);
                FloatVector v = FloatVector.broadcast(S, w[wi + j]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wi + BK + j]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wi + 2 * BK + j]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wi + 3 * BK + j]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
            }
            a00.intoArray(dst, di);
            a01.intoArray(dst, di + L);
            a10.intoArray(dst, di + d);
            a11.intoArray(dst, di + d + L);
            a20.intoArray(dst, di + 2 * d);
            a21.intoArray(dst, di + 2 * d + L);
            a30.intoArray(dst, di + 3 * d);
            a31.intoArray(dst, di + 3 * d + L);
        }

        private static void accumulate4x1(float[] dst, int di, int d, float[] w, int wi, float[] x, int xi, int n) {
            FloatVector a0 = FloatVector.fromArray(S, dst, di), a1 = FloatVector.fromArray(S, dst, di + d);
            FloatVector a2 = FloatVector.fromArray(S, dst, di + 2 * d), a3 = FloatVector.fromArray(S, dst, di + 3 * d);
            for (int j = 0; j < n; j++, xi += d) {
                FloatVector x0 = FloatVector.fromArray(S, x, xi);
                a0 = x0.fma(FloatVector.broadcast(S, w[wi + j]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, w[wi + BK + j]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, w[wi + 2 * BK + j]), a2);
                a3 = x0.fma(FloatVector.broadcast(S, w[wi + 3 * BK + j]), a3);
            }
            a0.intoArray(dst, di);
            a1.intoArray(dst, di + d);
            a2.intoArray(dst, di + 2 * d);
            a3.intoArray(dst, di + 3 * d);
        }

        /** One row, one vector of columns: two chains over the even and odd keys. */
        static void accumulate1x1(float[] dst, int di, float[] w, int wi, float[] x, int xi, int d, int n) {
            FloatVector a0 = FloatVector.fromArray(S, dst, di), a1 = FloatVector.zero(S);
            int j = 0;
            for (; j + 2 <= n; j += 2, xi += 2 * d) {
                a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.broadcast(S, w[wi + j]), a0);
                a1 = FloatVector.fromArray(S, x, xi + d).fma(FloatVector.broadcast(S, w[wi + j + 1]), a1);
            }
            if (j < n) a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.broadcast(S, w[wi + j]), a0);
            a0.add(a1).intoArray(dst, di);
        }

        /**
         * Groups of four keys, two vectors of columns at a time, summed over the rows that see the group's first key
         * (the later keys of the group are seen by fewer rows, whose weights are 0 there).
         */
        static void accumulateTransposed(float[] dst, int j0, float[] w, int r0, int rows, int[] cnt, float[] x, int xi0, int d) {
            int nk = cnt[rows - 1], rs = r0, j = 0;
            for (; j + 4 <= nk; j += 4) {
                while (cnt[rs] <= j) rs++;
                int c = 0;
                for (; c + 2 * L <= d; c += 2 * L) {
                    transposed4x2(dst, (j0 + j) * d + c, d, w, rs * BK + j, x, xi0 + rs * d + c, rows - rs);
                }
                for (; c + L <= d; c += L) transposed4x1(dst, (j0 + j) * d + c, d, w, rs * BK + j, x, xi0 + rs * d + c, rows - rs);
                if (c < d) accumulateTransposedF(dst, j0, w, rs, rows, cnt, x, xi0, d, j, j + 4, c);
            }
            for (; j < nk; j++) {
                while (cnt[rs] <= j) rs++;
                int c = 0;
                for (; c + L <= d; c += L) transposed1x1(dst, (j0 + j) * d + c, w, rs * BK + j, x, xi0 + rs * d + c, d, rows - rs);
                if (c < d) accumulateTransposedF(dst, j0, w, rs, rows, cnt, x, xi0, d, j, j + 1, c);
            }
        }

        private static void transposed4x2(float[] dst, int di, int d, float[] w, int wi, float[] x, int xi, int nr) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int r = 0; r < nr; r++, wi += BK, xi += d) {
                FloatVector x0 = FloatVector.fromArray(S, x, xi), x1 = FloatVector.fromArray(S, x, xi + L);
                FloatVector v = FloatVector.broadcast(S, w[wi]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wi + 1]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wi + 2]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wi + 3]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
            }
            addInto(dst, di, a00);
            addInto(dst, di + L, a01);
            addInto(dst, di + d, a10);
            addInto(dst, di + d + L, a11);
            addInto(dst, di + 2 * d, a20);
            addInto(dst, di + 2 * d + L, a21);
            addInto(dst, di + 3 * d, a30);
            addInto(dst, di + 3 * d + L, a31);
        }

        private static void transposed4x1(float[] dst, int di, int d, float[] w, int wi, float[] x, int xi, int nr) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int r = 0; r < nr; r++, wi += BK, xi += d) {
                FloatVector x0 = FloatVector.fromArray(S, x, xi);
                a0 = x0.fma(FloatVector.broadcast(S, w[wi]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, w[wi + 1]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, w[wi + 2]), a2);
                a3 = x0.fma(FloatVector.broadcast(S, w[wi + 3]), a3);
            }
            addInto(dst, di, a0);
            addInto(dst, di + d, a1);
            addInto(dst, di + 2 * d, a2);
            addInto(dst, di + 3 * d, a3);
        }

        private static void transposed1x1(float[] dst, int di, float[] w, int wi, float[] x, int xi, int d, int nr) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int r = 0;
            for (; r + 2 <= nr; r += 2, wi += 2 * BK, xi += 2 * d) {
                a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.broadcast(S, w[wi]), a0);
                a1 = FloatVector.fromArray(S, x, xi + d).fma(FloatVector.broadcast(S, w[wi + BK]), a1);
            }
            if (r < nr) a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.broadcast(S, w[wi]), a0);
            addInto(dst, di, a0.add(a1));
        }

        private static void addInto(float[] dst, int at, FloatVector a) {
            FloatVector.fromArray(S, dst, at).add(a).intoArray(dst, at);
        }

        /**
         * The row operations run whole vectors, the last one masked to the row's {@code n} values: a row of a tile has
         * room up to {@link Attention#BK}, so no load runs past it, and a scalar tail of exponentials would cost more
         * than the vectors.
         */
        static float max(float[] s, int at, int n) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int j = 0;
            for (; j + L <= n; j += L) acc = acc.max(FloatVector.fromArray(S, s, at + j));
            if (j < n) acc = acc.max(FloatVector.fromArray(S, s, at + j).blend(Float.NEGATIVE_INFINITY, S.indexInRange(j, n).not()));
            return acc.reduceLanes(VectorOperators.MAX);
        }

        /** The lanes past {@code n} in the last vector get exponentials too (never read), but stay out of the sum. */
        static float expShift(float[] s, int at, int n, float shift) {
            return VectorMath.expShifted(s, at, n, shift);
        }

        static void dsFromDp(float[] dp, float[] p, int at, int n, float di) {
            for (int j = 0; j < n; j += L) {
                FloatVector.fromArray(S, dp, at + j).sub(di).mul(FloatVector.fromArray(S, p, at + j)).intoArray(dp, at + j);
            }
        }

        static void mul(float[] row, int at, float[] z, int n) {
            for (int j = 0; j < n; j += L) {
                FloatVector.fromArray(S, row, at + j).mul(FloatVector.fromArray(S, z, j)).intoArray(row, at + j);
            }
        }

        /** Rows {@code i < t} of {@code d} floats at element {@code at + i·stride} of a native segment into {@code dst (t, d)}. */
        static void loadRows(float[] dst, MemorySegment src, long at, long stride, int t, int d) {
            int body = S.loopBound(d);
            for (int i = 0; i < t; i++, at += stride) {
                int c = 0;
                for (; c < body; c += L) FloatVector.fromMemorySegment(S, src, (at + c) << 2, ORDER).intoArray(dst, i * d + c);
                for (; c < d; c++) dst[i * d + c] = src.getAtIndex(JAVA_FLOAT_UNALIGNED, at + c);
            }
        }

        /** {@link #loadRows} the other way. */
        static void storeRows(MemorySegment dst, long at, long stride, float[] src, int t, int d) {
            int body = S.loopBound(d);
            for (int i = 0; i < t; i++, at += stride) {
                int c = 0;
                for (; c < body; c += L) FloatVector.fromArray(S, src, i * d + c).intoMemorySegment(dst, (at + c) << 2, ORDER);
                for (; c < d; c++) dst.setAtIndex(JAVA_FLOAT_UNALIGNED, at + c, src[i * d + c]);
            }
        }

        static void scale(float[] a, int at, int n, float f) {
            int body = S.loopBound(n);
            for (int i = 0; i < body; i += L) FloatVector.fromArray(S, a, at + i).mul(f).intoArray(a, at + i);
            scaleF(a, at, body, n, f);
        }

        /** {@link DropoutMask}'s hash on {@code L} keys at once: the same bits as the scalar form. */
        static void factors(float[] z, int n, int row, int j0, int threshold, float scale) {
            int body = S.loopBound(n);
            IntVector lane = IntVector.zero(I).addIndex(1);
            FloatVector kept = FloatVector.broadcast(S, scale), dropped = FloatVector.zero(S);
            for (int j = 0; j < body; j += L) {
                IntVector x = lane.add(j0 + j).mul(DropoutMask.GOLDEN).add(row);
                x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(DropoutMask.FMIX1);
                x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 13)).mul(DropoutMask.FMIX2);
                x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
                dropped.blend(kept, x.lanewise(VectorOperators.LSHR, 8).compare(VectorOperators.GE, threshold).cast(S)).intoArray(z, j);
            }
            DropoutMask.factorsF(z, body, n, row, j0, threshold, scale);
        }
    }
}
