package dev.panamax.tensors;

import dev.panamax.kernels.StridedCopy;
import java.lang.foreign.MemorySegment;

/** Copies between layouts, dtype casts and tolerance comparison. */
final class CopyOps {
    private CopyOps() {}

    /** {@code dst[...] = src[...]} with {@code src} broadcast to {@code dst}'s shape; same dtype. */
    static void copyInto(Tensor dst, Tensor src) {
        long[] shape = dst.shape();
        StridedLoop loop = StridedLoop.of(shape, new long[] {dst.offset(), src.offset()}, dst.strides(),
                Shape.broadcastStrides(src.shape(), src.strides(), shape));
        int w = dst.dtype().byteSize();
        MemorySegment d = dst.segment(), s = src.segment();
        long dStride = loop.innerStride[0], sStride = loop.innerStride[1];
        loop.run((off, n) -> {
            if (dStride == 1) {
                StridedCopy.gather(w, d, off[0], s, off[1], sStride, n);
            } else {
                for (long i = 0; i < n; i++) {
                    MemorySegment.copy(s, (off[1] + i * sStride) * w, d, (off[0] + i * dStride) * w, w);
                }
            }
        });
    }

    /** A contiguous copy of {@code src} converted to {@code target}. Floats to integers truncate toward zero. */
    static Tensor cast(Tensor src, DType target) {
        Tensor out = Tensor.empty(target, src.shape());
        DType from = src.dtype();
        StridedLoop loop = StridedLoop.of(src.shape(), new long[] {0, src.offset()}, out.strides(), src.strides());
        MemorySegment d = out.segment(), s = src.segment();
        long sStride = loop.innerStride[1];
        boolean viaLong = !from.isFloating() && !target.isFloating() || from == DType.I64;
        if (from == DType.U8 && target == DType.F32 || from == DType.F32 && target == DType.F64 || from == DType.F64 && target == DType.F32) {
            loop.run((off, n) -> castTyped(from, target, d, off[0], s, off[1], sStride, n));
            return out;
        }
        loop.run((off, n) -> {
            for (long i = 0; i < n; i++) {
                long si = off[1] + i * sStride;
                if (viaLong) Elements.setLong(d, target, off[0] + i, Elements.getLong(s, from, si));
                else Elements.setDouble(d, target, off[0] + i, Elements.getDouble(s, from, si));
            }
        });
        return out;
    }

    /** The conversions on hot paths (image bytes to floats, float precision changes), without a per-element switch. */
    private static void castTyped(DType from, DType to, MemorySegment d, long dOff, MemorySegment s, long sOff, long stride, long n) {
        if (from == DType.U8) {
            for (long i = 0; i < n; i++) {
                d.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, dOff + i,
                        Byte.toUnsignedInt(s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, sOff + i * stride)));
            }
        } else if (from == DType.F32) {
            for (long i = 0; i < n; i++) {
                d.setAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, dOff + i,
                        s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, sOff + i * stride));
            }
        } else {
            for (long i = 0; i < n; i++) {
                d.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, dOff + i,
                        (float) s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, sOff + i * stride));
            }
        }
    }

    static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        a.checkOpen("allClose");
        b.checkOpen("allClose");
        long[] shape = Shape.broadcast("allClose", a.shape(), b.shape());
        try (Tensor x = a.expand(shape); Tensor y = b.expand(shape)) {
            double[] xs = x.toDoubleArray(), ys = y.toDoubleArray();
            for (int i = 0; i < xs.length; i++) {
                if (!(Math.abs(xs[i] - ys[i]) <= atol + rtol * Math.abs(ys[i])) && xs[i] != ys[i]) return false;
            }
            return true;
        }
    }
}
