package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.UnaryOp;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.testing.Ref;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElementwiseTest {
    private static BiFunction<Tensor, Tensor, Tensor> tensorOp(BinaryOp op) {
        return switch (op) {
            case ADD -> Tensor::add;
            case SUB -> Tensor::sub;
            case MUL -> Tensor::mul;
            case DIV -> Tensor::div;
            case POW -> Tensor::pow;
            case MAX -> Tensor::maximum;
            case MIN -> Tensor::minimum;
        };
    }

    private static DoubleBinaryOperator reference(BinaryOp op) {
        return switch (op) {
            case ADD -> Double::sum;
            case SUB -> (a, b) -> a - b;
            case MUL -> (a, b) -> a * b;
            case DIV -> (a, b) -> a / b;
            case POW -> Math::pow;
            case MAX -> Math::max;
            case MIN -> Math::min;
        };
    }

    /** Every binary op, F32 and F64, on every awkward length, contiguous and strided, against the double oracle. */
    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryOpsMatchReferenceOnAwkwardLengths(BinaryOp op) {
        Rng rng = new Rng(op.ordinal());
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            double tol = dt == DType.F32 ? 2e-6 : 1e-13;
            for (long n : Fixtures.LENGTHS) {
                try (MemoryScope s = MemoryScope.open("case")) {
                    Tensor a = Fixtures.values(rng, dt, n);
                    Tensor b = op == BinaryOp.POW ? Fixtures.values(rng, dt, n).abs() : Fixtures.strided(rng, dt, n);
                    Tensor base = op == BinaryOp.POW ? a.abs() : a;
                    Ref expected = Ref.of(base).zip(Ref.of(b), reference(op));
                    expected.assertMatches(tensorOp(op).apply(base, b), tol, tol);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOpsMatchReferenceOnAwkwardLengths(UnaryOp op) {
        Rng rng = new Rng(100 + op.ordinal());
        Function<Tensor, Tensor> f = switch (op) {
            case NEG -> Tensor::neg;
            case ABS -> Tensor::abs;
            case EXP -> Tensor::exp;
            case LOG -> t -> t.abs().log();
            case SQRT -> t -> t.abs().sqrt();
            case TANH -> Tensor::tanh;
            case SIGMOID -> Tensor::sigmoid;
            case RELU -> Tensor::relu;
            case SQUARE -> Tensor::square;
            case RECIPROCAL -> Tensor::reciprocal;
            case SIN -> Tensor::sin;
            case COS -> Tensor::cos;
            case LOG1P -> t -> t.abs().log1p();
            case EXPM1 -> Tensor::expm1;
            case RSQRT -> t -> t.abs().rsqrt();
            case SIGN -> Tensor::sign;
            case STEP -> Tensor::step;
            case ERF -> Tensor::erf;
        };
        boolean needsPositive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P || op == UnaryOp.RSQRT;
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            double tol = dt == DType.F32 ? 4e-6 : 1e-12;
            for (long n : Fixtures.LENGTHS) {
                try (MemoryScope s = MemoryScope.open("case")) {
                    Tensor x = Fixtures.strided(rng, dt, n);
                    Ref in = Ref.of(needsPositive ? x.abs() : x);
                    Ref expected = in.map(v -> op.apply(v));
                    expected.assertMatches(f.apply(x), tol, tol);
                }
            }
        }
    }

    @Test
    void broadcastingRowsColumnsAndScalars() {
        Rng rng = new Rng(7);
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor m = Fixtures.values(rng, DType.F32, 5, 33);
            Tensor row = Fixtures.values(rng, DType.F32, 33);
            Tensor col = Fixtures.values(rng, DType.F32, 5, 1);
            Tensor one = Fixtures.values(rng, DType.F32, 1, 1);
            Ref.of(m).zip(Ref.of(row), Double::sum).assertMatches(m.add(row), 1e-6, 1e-6);
            Ref.of(m).zip(Ref.of(col), (a, b) -> a - b).assertMatches(m.sub(col), 1e-6, 1e-6);
            Ref.of(col).zip(Ref.of(row), (a, b) -> a * b).assertMatches(col.mul(row), 1e-6, 1e-6);
            Ref.of(m).zip(Ref.of(one), (a, b) -> a / b).assertMatches(m.div(one), 1e-6, 1e-6);
            Ref.of(m).map(v -> v * 2.5).assertMatches(m.mul(2.5), 1e-6, 1e-6);
            // Non-contiguous operand broadcast against a contiguous one.
            Tensor tr = Fixtures.transposed(rng, DType.F32, 5, 33);
            Ref.of(tr).zip(Ref.of(row), Math::max).assertMatches(tr.maximum(row), 0, 0);
            // 3-D with size-1 middle dimension and size-0 dimension.
            Tensor a = Fixtures.values(rng, DType.F64, 3, 1, 4);
            Tensor b = Fixtures.values(rng, DType.F64, 1, 6, 4);
            Ref.of(a).zip(Ref.of(b), Double::sum).assertMatches(a.add(b), 1e-12, 1e-12);
            Tensor empty = Tensor.zeros(DType.F32, 0, 4);
            assertArrayEquals(new long[] {0, 4}, empty.add(row.slice(0, 0, 4)).shape());
        }
    }

    @Test
    void typePromotionFollowsPyTorch() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor i = Tensor.of(new int[] {1, 2, 3}, 3);
            Tensor l = Tensor.of(new long[] {4, 5, 6}, 3);
            Tensor f = Tensor.of(new float[] {0.5f, 1.5f, 2.5f}, 3);
            Tensor u = Tensor.ofBytes(new byte[] {(byte) 200, 1, 2}, 3);
            assertEquals(DType.I64, i.add(l).dtype());
            assertEquals(DType.F32, l.add(f).dtype());
            assertEquals(DType.F32, i.div(l).dtype(), "true division of integers gives floats");
            assertArrayEquals(new float[] {0.25f, 0.4f, 0.5f}, i.div(l).toFloatArray(), 1e-7f);
            assertEquals(DType.I32, i.mul(3).dtype(), "an integral Java scalar keeps the tensor's type");
            assertEquals(DType.F32, i.mul(0.5).dtype(), "a fractional scalar makes an integer tensor F32");
            assertEquals(DType.F64, f.add(Tensor.of(new double[] {1, 2, 3}, 3)).dtype());
            assertArrayEquals(new long[] {204, 6, 8}, u.add(l.sub(i.mul(0))).toLongArray(), "U8 reads unsigned");
            assertEquals(DType.F32, i.exp().dtype());
            assertArrayEquals(new int[] {1, 4, 9}, i.square().toIntArray());
        }
    }

    @Test
    void comparisonsAndWhere() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Tensor.of(new float[] {1, 2, Float.NaN, 4}, 4);
            Tensor b = Tensor.of(new float[] {1, 3, 0, 3}, 4);
            assertArrayEquals(new byte[] {1, 0, 0, 0}, a.eq(b).toByteArray());
            assertArrayEquals(new byte[] {0, 1, 1, 1}, a.ne(b).toByteArray());
            assertArrayEquals(new byte[] {0, 1, 0, 0}, a.lt(b).toByteArray());
            assertArrayEquals(new byte[] {1, 1, 0, 0}, a.le(b).toByteArray());
            assertArrayEquals(new byte[] {0, 0, 0, 1}, a.gt(b).toByteArray());
            assertArrayEquals(new byte[] {0, 0, 0, 1}, a.gt(3.5).toByteArray());
            assertArrayEquals(new byte[] {1, 0, 0, 0}, Tensor.of(new float[] {0.1f, 0.2f, 0, 0}, 4).eq(0.1).toByteArray(),
                    "a float tensor compares against the scalar in its own precision");
            Tensor u = Tensor.ofBytes(new byte[] {(byte) 200}, 1);
            assertArrayEquals(new byte[] {0}, u.eq(300 - 256).toByteArray(), "no wrap-around of the scalar");
            Tensor w = Tensor.where(a.gt(b), a, b.mul(10));
            assertArrayEquals(new float[] {10, 30, 0, 4}, w.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> Tensor.where(a, a, b));
            assertArrayEquals(new long[] {2, 4}, Tensor.where(Tensor.ofBytes(new byte[] {1, 0}, 2, 1), a, b).shape());
        }
    }

    @Test
    void badShapesGiveClearErrors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Tensor.zeros(DType.F32, 2, 3);
            Tensor b = Tensor.zeros(DType.F32, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
            assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                    e.getMessage());
        }
    }

    @Test
    void inPlaceUpdatesBroadcastAndBumpTheVersion() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor g = Tensor.zeros(DType.F32, 3, 33);
            Tensor row = Tensor.arange(33, DType.F32);
            long v0 = g.version();
            g.addInPlace(row).addInPlace(row).mulInPlace(0.5);
            Ref.of(row).zip(Ref.of(g), (r, x) -> r).assertMatches(g, 0, 0);
            assertTrue(g.version() > v0);
            Tensor view = g.reshape(99);
            long v1 = view.version();
            g.set(1, 0, 0);
            assertTrue(view.version() > v1, "views share the version counter");
            assertThrows(IllegalArgumentException.class, () -> row.addInPlace(g));
            assertThrows(IllegalStateException.class, () -> g.t().addInPlace(Tensor.zeros(DType.F32, 33, 3)));
            Tensor pixels = Tensor.arange(256, DType.F32);
            Tensor divided = pixels.div(255.0);
            long v2 = pixels.version();
            pixels.divInPlace(255.0);
            assertTrue(pixels.allClose(divided, 0, 0), "divInPlace rounds as div does");
            assertTrue(pixels.version() > v2);
        }
    }

    @Test
    void clampAndInPlaceFill() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Tensor.of(new float[] {-2, 0.5f, 3}, 3);
            assertArrayEquals(new float[] {-1, 0.5f, 1}, a.clamp(-1, 1).toFloatArray());
            Tensor t = Tensor.zeros(DType.F32, 3, 2).t();
            t.fill(7);
            assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, t.toFloatArray());
            Tensor dst = Tensor.zeros(DType.F64, 2, 3);
            dst.copyFrom(Tensor.of(new int[] {1, 2, 3}, 3));
            assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, dst.toDoubleArray());
        }
    }

    @Test
    void erfMatchesPublishedValues() {
        // Abramowitz & Stegun table 7.1 (and erf(-x) = -erf(x)).
        double[] x = {0.0, 0.5, 1.0, -2.0, 3.5};
        double[] erf = {0.0, 0.5204998778130465, 0.8427007929497149, -0.9953222650189527, 0.9999992569016276};
        try (Tensor t = Tensor.of(x, x.length); Tensor y = t.erf(); Tensor f = t.to(DType.F32); Tensor yf = f.erf()) {
            for (int i = 0; i < x.length; i++) {
                assertEquals(erf[i], y.getDouble(i), 1e-14, "erf(" + x[i] + ")");
                assertEquals(erf[i], yf.getDouble(i), 2e-7, "float erf(" + x[i] + ")");
            }
        }
    }
}
