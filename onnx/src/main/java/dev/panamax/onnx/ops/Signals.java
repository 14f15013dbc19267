package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * The window functions HannWindow, HammingWindow and BlackmanWindow (periodic or symmetric), and MelWeightMatrix
 * (triangular filters on the mel scale, ONNX's reference construction), in the requested type.
 */
final class Signals {
    private Signals() {}

    @FunctionalInterface
    private interface Shape {
        /** The window's value at {@code n} for period {@code p}. */
        double at(double n, double p);
    }

    static void register(Map<String, Operator> ops) {
        window(ops, "HannWindow", (n, p) -> 0.5 - 0.5 * Math.cos(2 * Math.PI * n / p));
        window(ops, "HammingWindow", (n, p) -> 25.0 / 46 - (1 - 25.0 / 46) * Math.cos(2 * Math.PI * n / p));
        window(ops, "BlackmanWindow", (n, p) -> 0.42 - 0.5 * Math.cos(2 * Math.PI * n / p) + 0.08 * Math.cos(4 * Math.PI * n / p));
        ops.put("MelWeightMatrix", (node, opset) -> {
            DType out = TensorProtos.dtype((int) node.attributes().i("output_datatype", 1), node.describe());
            return in -> new Tensor[] {mel(out, (int) Args.scalar(in[0], "num_mel_bins"), (int) Args.scalar(in[1], "dft_length"),
                    Args.scalar(in[2], "sample_rate"), Args.scalar(in[3], "lower_edge_hertz"), Args.scalar(in[4], "upper_edge_hertz"))};
        });
    }

    /** {@code (dft_length / 2 + 1, mel bins)}: each mel bin's triangle over the spectrogram's bins. */
    private static Tensor mel(DType dt, int bins, int dftLength, double rate, double lo, double hi) {
        int spectrum = dftLength / 2 + 1;
        double loMel = 2595 * Math.log10(1 + lo / 700), hiMel = 2595 * Math.log10(1 + hi / 700), step = (hiMel - loMel) / (bins + 2);
        int[] f = new int[bins + 2];
        for (int i = 0; i < f.length; i++) f[i] = (int) Math.floor((dftLength + 1) * (700 * (Math.pow(10, (i * step + loMel) / 2595) - 1)) / rate);
        double[] w = new double[spectrum * bins];
        for (int i = 0; i < bins; i++) {
            int left = f[i], centre = f[i + 1], right = f[i + 2];
            if (centre == left) {
                w[centre * bins + i] = 1;
            } else {
                for (int j = left; j <= centre; j++) w[j * bins + i] = (double) (j - left) / (centre - left);
            }
            for (int j = centre; j < right; j++) w[j * bins + i] = (double) (right - j) / (right - centre);
        }
        return Ref.of(dt, w, spectrum, bins);
    }

    private static void window(Map<String, Operator> ops, String name, Shape f) {
        ops.put(name, (node, opset) -> {
            boolean periodic = node.attributes().i("periodic", 1) != 0;
            DType out = TensorProtos.dtype((int) node.attributes().i("output_datatype", 1), node.describe());
            return in -> {
                int size = (int) Args.scalar(in[0], name + " size");
                double period = periodic ? size : size - 1;
                double[] v = new double[size];
                for (int i = 0; i < size; i++) v[i] = f.at(i, period);
                return new Tensor[] {Ref.of(out, v, size)};
            };
        });
    }
}
