package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The unary math and activation operators outside the kernels' set (rounding, the other trigonometric and
 * hyperbolic functions, the rarer activations), computed per element in double precision and rounded once to the
 * input's type ({@link Ref}).
 */
final class MathOps {
    private MathOps() {}

    static void register(Map<String, Operator> ops) {
        unary(ops, "Ceil", Math::ceil);
        unary(ops, "Floor", Math::floor);
        unary(ops, "Round", Math::rint);  // halves to even, as ONNX specifies
        unary(ops, "Tan", Math::tan);
        unary(ops, "Asin", Math::asin);
        unary(ops, "Acos", Math::acos);
        unary(ops, "Atan", Math::atan);
        unary(ops, "Sinh", Math::sinh);
        unary(ops, "Cosh", Math::cosh);
        unary(ops, "Asinh", x -> Math.log(x + Math.sqrt(x * x + 1)));
        unary(ops, "Acosh", x -> Math.log(x + Math.sqrt(x * x - 1)));
        unary(ops, "Atanh", x -> 0.5 * Math.log((1 + x) / (1 - x)));
        unary(ops, "Softplus", x -> x > 30 ? x : Math.log1p(Math.exp(x)));
        unary(ops, "Softsign", x -> x / (1 + Math.abs(x)));
        unary(ops, "HardSwish", x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)));
        ops.put("Selu", (node, opset) -> {
            Attributes a = node.attributes();
            double alpha = a.f("alpha", 1.67326319217681884765625f), gamma = a.f("gamma", 1.05070102214813232421875f);
            return in -> new Tensor[] {Ref.map(in[0], x -> x > 0 ? gamma * x : gamma * (alpha * Math.exp(x) - alpha))};
        });
        ops.put("Celu", (node, opset) -> {
            double alpha = node.attributes().f("alpha", 1f);
            return in -> new Tensor[] {Ref.map(in[0], x -> Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha)))};
        });
        ops.put("ThresholdedRelu", (node, opset) -> {
            double alpha = node.attributes().f("alpha", 1f);
            return in -> new Tensor[] {Ref.map(in[0], x -> x > alpha ? x : 0)};
        });
        ops.put("Shrink", (node, opset) -> {
            double bias = node.attributes().f("bias", 0f), lambd = node.attributes().f("lambd", 0.5f);
            return in -> new Tensor[] {Ref.map(in[0], x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0)};
        });
        ops.put("PRelu", (node, opset) -> in -> new Tensor[] {Ref.zip(in[0], in[1], in[0].dtype(), (x, s) -> x < 0 ? s * x : x)});
        ops.put("IsNaN", (node, opset) -> in -> new Tensor[] {flag(in[0], Double::isNaN)});
        ops.put("IsInf", (node, opset) -> {
            boolean neg = node.attributes().i("detect_negative", 1) != 0, pos = node.attributes().i("detect_positive", 1) != 0;
            return in -> new Tensor[] {flag(in[0], x -> x == Double.POSITIVE_INFINITY ? pos : x == Double.NEGATIVE_INFINITY && neg)};
        });
    }

    private static void unary(Map<String, Operator> ops, String name, DoubleUnaryOperator f) {
        ops.put(name, (node, opset) -> in -> {
            if (!in[0].dtype().isFloating()) throw new IllegalArgumentException(name + " of " + in[0].dtype() + " is not supported (floats only)");
            return new Tensor[] {Ref.map(in[0], f)};
        });
    }

    private static Tensor flag(Tensor x, java.util.function.DoublePredicate p) {
        double[] v = x.toDoubleArray();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) (p.test(v[i]) ? 1 : 0);
        return Tensor.ofBytes(b, x.shape());
    }
}
