package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/** The window functions HannWindow, HammingWindow and BlackmanWindow (periodic or symmetric), in the requested type. */
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
