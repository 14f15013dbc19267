package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear for uint8 (the one 8-bit type Panamax holds), per
 * tensor or per channel along {@code axis}. Division and rounding happen in float32, halves to even, as ONNX's
 * reference does, so the quantized bytes match it exactly.
 */
final class Quantization {
    private Quantization() {}

    static void register(Map<String, Operator> ops) {
        ops.put("QuantizeLinear", (node, opset) -> {
            long axisAttr = node.attributes().i("axis", 1);
            node.attributes().ignore("saturate");  // applies to float8 outputs only
            return in -> {
                Tensor zp = in.length > 2 ? in[2] : null;
                if (zp != null && zp.dtype() != DType.U8) throw new IllegalArgumentException("quantizing to " + zp.dtype() + " is not supported (uint8 only)");
                double[] x = in[0].toDoubleArray(), scale = in[1].toDoubleArray(), zero = zp == null ? new double[] {0} : zp.toDoubleArray();
                int[] ch = channels(in[0], axisAttr, scale.length);
                byte[] y = new byte[x.length];
                for (int i = 0; i < x.length; i++) {
                    float q = (float) Math.rint((float) x[i] / (float) scale[ch[i]]);
                    y[i] = (byte) Math.clamp(q + (long) zero[Math.min(ch[i], zero.length - 1)], 0, 255);
                }
                return new Tensor[] {Tensor.ofBytes(y, in[0].shape())};
            };
        });
        ops.put("DequantizeLinear", (node, opset) -> {
            long axisAttr = node.attributes().i("axis", 1);
            return in -> {
                double[] x = in[0].toDoubleArray(), scale = in[1].toDoubleArray();
                double[] zero = in.length > 2 && in[2] != null ? in[2].toDoubleArray() : new double[] {0};
                int[] ch = channels(in[0], axisAttr, scale.length);
                float[] y = new float[x.length];
                for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] - zero[Math.min(ch[i], zero.length - 1)]) * (float) scale[ch[i]];
                return new Tensor[] {Tensor.of(y, in[0].shape())};
            };
        });
        ops.put("DynamicQuantizeLinear", (node, opset) -> in -> {
            double[] x = in[0].toDoubleArray();
            float lo = 0, hi = 0;
            for (double v : x) {
                lo = Math.min(lo, (float) v);
                hi = Math.max(hi, (float) v);
            }
            float scale = (hi - lo) / 255f;
            float zero = (float) Math.clamp(Math.rint(0 - lo / scale), 0, 255);
            byte[] y = new byte[x.length];
            for (int i = 0; i < x.length; i++) y[i] = (byte) Math.clamp((float) Math.rint((float) x[i] / scale) + zero, 0, 255);
            return new Tensor[] {Tensor.ofBytes(y, in[0].shape()), Tensor.of(new float[] {scale}), Tensor.ofBytes(new byte[] {(byte) zero})};
        });
    }

    /** For each element of {@code x}: which of the {@code n} scales applies (0 for one per tensor). */
    private static int[] channels(Tensor x, long axisAttr, int n) {
        int[] ch = new int[(int) x.numel()];
        if (n == 1) return ch;
        int axis = Args.axis("quantization axis", axisAttr, x.rank());
        long[] s = x.shape(), idx = new long[s.length];
        for (int i = 0; i < ch.length; i++) {
            Ref.unravel(i, s, idx);
            ch[i] = (int) idx[axis];
        }
        return ch;
    }
}
