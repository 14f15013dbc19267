package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * The integer and quantised-linear products on uint8: MatMulInteger and ConvInteger (int32 results), QLinearMatMul
 * and QLinearConv (requantised to uint8, halves to even). The zero points are subtracted and the product runs in
 * float64 on the usual kernels, exact for every sum of 8-bit products below 2⁵³.
 */
final class IntegerOps {
    private IntegerOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MatMulInteger", (node, opset) -> in -> {
            try (Tensor a = centred(in[0], opt(in, 2), false); Tensor b = centred(in[1], opt(in, 3), false); Tensor y = LinearAlgebra.matmul(a, b)) {
                return new Tensor[] {y.to(DType.I32)};
            }
        });
        ops.put("ConvInteger", (node, opset) -> {
            Window win = Window.read(node, false);
            int group = (int) node.attributes().i("group", 1);
            return in -> {
                try (Tensor x = centred(in[0], opt(in, 2), false); Tensor w = centred(in[1], opt(in, 3), true);
                     Tensor y = Convolutions.conv(win, x, w, null, group)) {
                    return new Tensor[] {y.to(DType.I32)};
                }
            };
        });
        ops.put("QLinearMatMul", (node, opset) -> in -> {
            try (Tensor a = centred(in[0], in[2], false); Tensor b = centred(in[3], in[5], false); Tensor y = LinearAlgebra.matmul(a, b)) {
                return new Tensor[] {requantise(y, in[1], in[4], in[6], in[7], -1)};
            }
        });
        ops.put("QLinearConv", (node, opset) -> {
            Window win = Window.read(node, false);
            int group = (int) node.attributes().i("group", 1);
            return in -> {
                try (Tensor x = centred(in[0], in[2], false); Tensor w = centred(in[3], in[5], true);
                     Tensor b = in.length > 8 && in[8] != null ? in[8].to(DType.F64) : null; Tensor y = Convolutions.conv(win, x, w, b, group)) {
                    return new Tensor[] {requantise(y, in[1], in[4], in[6], in[7], 1)};
                }
            };
        });
    }

    private static Tensor opt(Tensor[] in, int i) {
        return in.length > i ? in[i] : null;
    }

    /** {@code t − zeroPoint} in float64; a per-channel zero point of weights lines up with their first axis. */
    private static Tensor centred(Tensor t, Tensor zeroPoint, boolean perOutputChannel) {
        requireU8(t);
        if (zeroPoint == null) return t.to(DType.F64);
        requireU8(zeroPoint);
        try (Tensor f = t.to(DType.F64); Tensor z = zeroPoint.to(DType.F64); Tensor zr = perOutputChannel && z.numel() > 1 ? channelView(z, t.rank()) : z.reshape(z.shape())) {
            return f.sub(zr);
        }
    }

    private static Tensor channelView(Tensor z, int rank) {
        long[] s = new long[rank];
        java.util.Arrays.fill(s, 1);
        s[0] = z.numel();
        return z.reshape(s);
    }

    private static void requireU8(Tensor t) {
        if (t.dtype() != DType.U8) throw new IllegalArgumentException("integer products of " + t.dtype() + " are not supported (uint8 only)");
    }

    /**
     * {@code round(acc · aScale · bScale / yScale) + yZero}, saturated to uint8; {@code channelAxis} is where a
     * per-channel {@code bScale} lines up (-1: one scale).
     */
    private static Tensor requantise(Tensor acc, Tensor aScale, Tensor bScale, Tensor yScale, Tensor yZero, int channelAxis) {
        requireU8(yZero);
        double[] v = acc.toDoubleArray(), bs = bScale.toDoubleArray();
        double as = Args.scalar(aScale, "a_scale"), ys = Args.scalar(yScale, "y_scale"), yz = Args.scalar(yZero, "y_zero_point");
        long[] s = acc.shape(), idx = new long[s.length];
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            double scale = bs[0];
            if (bs.length > 1) {
                Ref.unravel(i, s, idx);
                scale = bs[(int) idx[channelAxis < 0 ? s.length - 1 : channelAxis]];
            }
            out[i] = (byte) Math.clamp(Math.rint(v[i] * (as * scale / ys)) + yz, 0, 255);
        }
        return Tensor.ofBytes(out, s);
    }
}
