package dev.panamax.tensors;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.CompareOp;
import dev.panamax.kernels.spec.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Elementwise ops with broadcasting and type promotion. F32 and F64 run the Vector API kernels on
 * contiguous runs (strided or broadcast runs are staged through {@link Scratch}); integer types take a
 * scalar path, since they only carry labels and indices here.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        a.checkOpen(name);
        b.checkOpen(name);
        DType dt = DType.promote(a.dtype(), b.dtype());
        if (op.promotesIntegers()) dt = dt.toFloating();
        long[] shape = Shape.broadcast(name, a.shape(), b.shape());
        try (Tensor ca = a.to(dt); Tensor cb = b.to(dt)) {
            Tensor out = Tensor.empty(dt, shape);
            run(op, out, ca, cb);
            return out;
        }
    }

    static Tensor binaryScalar(String name, BinaryOp op, Tensor a, double s) {
        a.checkOpen(name);
        DType dt = DType.promoteWithScalar(a.dtype(), s);
        if (op.promotesIntegers()) dt = dt.toFloating();
        try (Tensor ca = a.to(dt); Tensor cs = Tensor.scalar(s, dt)) {
            Tensor out = Tensor.empty(dt, a.shape());
            run(op, out, ca, cs);
            return out;
        }
    }

    /** {@code t = op(t, other)} in place, other broadcast to t's shape and cast to t's dtype. */
    static void inPlace(String name, BinaryOp op, Tensor t, Tensor other) {
        if (!t.isContiguous()) throw new IllegalStateException(name + ": " + t.describe() + " must be contiguous");
        long[] shape = Shape.broadcast(name, other.shape(), t.shape());
        if (!java.util.Arrays.equals(shape, t.shape())) {
            throw new IllegalArgumentException(name + ": " + other.describe() + " does not broadcast to " + t.describe());
        }
        if (op.promotesIntegers() && !t.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": " + op + " on the integer tensor " + t.describe() + " cannot stay in place");
        }
        try (Tensor c = other.to(t.dtype()); Tensor self = t.view(t.shape(), Shape.contiguousStrides(t.shape()), t.offset())) {
            run(op, self, self, c);
        }
    }

    /** out = op(a, b); out is contiguous with the broadcast shape; all three share one dtype. */
    private static void run(BinaryOp op, Tensor out, Tensor a, Tensor b) {
        long[] shape = out.shape();
        StridedLoop loop = StridedLoop.of(shape, new long[] {out.offset(), a.offset(), b.offset()}, out.strides(),
                Shape.broadcastStrides(a.shape(), a.strides(), shape),
                Shape.broadcastStrides(b.shape(), b.strides(), shape));
        long as = loop.innerStride[1], bs = loop.innerStride[2];
        MemorySegment o = out.segment();
        DType dt = out.dtype();
        Backend backend = Backend.of(out);
        loop.run((off, n) -> {
            if (!dt.isFloating()) {
                integerBinary(op, dt, o, off[0], a, off[1], as, b, off[2], bs, n);
                return;
            }
            Scratch sc = Scratch.acquire();
            try {
                MemorySegment sa = sc.contiguous(0, a, off[1], as, n);
                MemorySegment sb = sc.contiguous(1, b, off[2], bs, n);
                long ao = Scratch.offset(off[1], as), bo = Scratch.offset(off[2], bs);
                backend.binary(op, dt, o, off[0], sa, ao, sb, bo, n);
            } finally {
                sc.release();
            }
        });
    }

    private static void integerBinary(BinaryOp op, DType dt, MemorySegment o, long oo, Tensor a, long ao, long as,
                                      Tensor b, long bo, long bs, long n) {
        MemorySegment sa = a.segment(), sb = b.segment();
        for (long i = 0; i < n; i++) {
            long r = op.apply(Elements.getLong(sa, dt, ao + i * as), Elements.getLong(sb, dt, bo + i * bs));
            Elements.setLong(o, dt, oo + i, r);
        }
    }

    static Tensor unary(String name, UnaryOp op, Tensor a) {
        a.checkOpen(name);
        DType dt = op.promotesIntegers() ? a.dtype().toFloating() : a.dtype();
        try (Tensor ca = a.to(dt)) {
            Tensor out = Tensor.empty(dt, a.shape());
            StridedLoop loop = StridedLoop.of(a.shape(), new long[] {0, ca.offset()}, out.strides(), ca.strides());
            long as = loop.innerStride[1];
            MemorySegment o = out.segment();
            Backend backend = Backend.of(out);
            loop.run((off, n) -> {
                if (!dt.isFloating()) {
                    MemorySegment s = ca.segment();
                    for (long i = 0; i < n; i++) Elements.setLong(o, dt, off[0] + i, op.apply(Elements.getLong(s, dt, off[1] + i * as)));
                    return;
                }
                Scratch sc = Scratch.acquire();
                try {
                    MemorySegment sa = sc.contiguous(0, ca, off[1], as, n);
                    long ao = Scratch.offset(off[1], as);
                    backend.unary(op, dt, o, off[0], sa, ao, n);
                } finally {
                    sc.release();
                }
            });
            return out;
        }
    }

    static Tensor compare(String name, CompareOp op, Tensor a, Tensor b) {
        a.checkOpen(name);
        b.checkOpen(name);
        long[] shape = Shape.broadcast(name, a.shape(), b.shape());
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.empty(DType.U8, shape);
        StridedLoop loop = StridedLoop.of(shape, new long[] {0, a.offset(), b.offset()}, out.strides(),
                Shape.broadcastStrides(a.shape(), a.strides(), shape),
                Shape.broadcastStrides(b.shape(), b.strides(), shape));
        long as = loop.innerStride[1], bs = loop.innerStride[2];
        MemorySegment o = out.segment(), sa = a.segment(), sb = b.segment();
        DType ta = a.dtype(), tb = b.dtype();
        loop.run((off, n) -> {
            for (long i = 0; i < n; i++) {
                long ia = off[1] + i * as, ib = off[2] + i * bs;
                boolean r = dt.isFloating()
                        ? op.test(Elements.getDouble(sa, ta, ia), Elements.getDouble(sb, tb, ib))
                        : op.test(Elements.getLong(sa, ta, ia), Elements.getLong(sb, tb, ib));
                o.set(ValueLayout.JAVA_BYTE, off[0] + i, (byte) (r ? 1 : 0));
            }
        });
        return out;
    }

    static Tensor compareScalar(String name, CompareOp op, Tensor a, double s) {
        a.checkOpen(name);
        // Like PyTorch: a float tensor compares in its own precision; an integer one against an exact I64, or
        // in F64 when the scalar has a fraction.
        DType dt = a.dtype().isFloating() ? a.dtype() : s == Math.rint(s) ? DType.I64 : DType.F64;
        try (Tensor cs = Tensor.scalar(s, dt)) {
            return compare(name, op, a, cs);
        }
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.checkOpen("where");
        a.checkOpen("where");
        b.checkOpen("where");
        if (cond.dtype() != DType.U8) {
            throw new IllegalArgumentException("where: the condition must be a U8 mask (as comparisons return), got "
                    + cond.describe());
        }
        long[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        DType dt = DType.promote(a.dtype(), b.dtype());
        try (Tensor ca = a.to(dt); Tensor cb = b.to(dt)) {
            Tensor out = Tensor.empty(dt, shape);
            StridedLoop loop = StridedLoop.of(shape, new long[] {0, cond.offset(), ca.offset(), cb.offset()},
                    out.strides(), Shape.broadcastStrides(cond.shape(), cond.strides(), shape),
                    Shape.broadcastStrides(ca.shape(), ca.strides(), shape),
                    Shape.broadcastStrides(cb.shape(), cb.strides(), shape));
            long cs = loop.innerStride[1], as = loop.innerStride[2], bs = loop.innerStride[3];
            int w = dt.byteSize();
            MemorySegment o = out.segment(), sc = cond.segment(), sa = ca.segment(), sb = cb.segment();
            loop.run((off, n) -> {
                for (long i = 0; i < n; i++) {
                    boolean c = sc.get(ValueLayout.JAVA_BYTE, off[1] + i * cs) != 0;
                    long src = c ? off[2] + i * as : off[3] + i * bs;
                    MemorySegment.copy(c ? sa : sb, src * w, o, (off[0] + i) * w, w);
                }
            });
            return out;
        }
    }
}
