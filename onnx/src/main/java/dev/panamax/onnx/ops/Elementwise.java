package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** The elementwise operators: NumPy-broadcast arithmetic, unary math, comparisons and selection. */
final class Elementwise {
    private Elementwise() {}

    static void register(Map<String, Operator> ops) {
        binary(ops, "Add", Tensor::add);
        binary(ops, "Sub", Tensor::sub);
        binary(ops, "Mul", Tensor::mul);
        binary(ops, "Div", Elementwise::div);
        binary(ops, "Pow", Elementwise::pow);
        binary(ops, "Equal", Tensor::eq);
        binary(ops, "Less", Tensor::lt);
        binary(ops, "LessOrEqual", Tensor::le);
        binary(ops, "Greater", Tensor::gt);
        binary(ops, "GreaterOrEqual", Tensor::ge);
        unary(ops, "Neg", Tensor::neg);
        unary(ops, "Abs", Tensor::abs);
        unary(ops, "Exp", Tensor::exp);
        unary(ops, "Log", Tensor::log);
        unary(ops, "Sqrt", Tensor::sqrt);
        unary(ops, "Reciprocal", Tensor::reciprocal);
        unary(ops, "Relu", Tensor::relu);
        unary(ops, "Sigmoid", Tensor::sigmoid);
        unary(ops, "Tanh", Tensor::tanh);
        unary(ops, "Erf", Tensor::erf);
        unary(ops, "Sin", Tensor::sin);
        unary(ops, "Cos", Tensor::cos);
        unary(ops, "Sign", Tensor::sign);
        variadic(ops, "Sum", Tensor::add);
        variadic(ops, "Max", Tensor::maximum);
        variadic(ops, "Min", Tensor::minimum);
        ops.put("Mean", (node, opset) -> in -> {
            Tensor sum = fold(in, Tensor::add);
            try (sum) {
                return new Tensor[] {sum.div(in.length)};
            }
        });
        ops.put("Where", (node, opset) -> in -> new Tensor[] {Tensor.where(in[0], in[1], in[2])});
        ops.put("Not", (node, opset) -> in -> new Tensor[] {in[0].eq(0).to(DType.U8)});
    }

    private static void binary(Map<String, Operator> ops, String name, BinaryOperator<Tensor> f) {
        ops.put(name, (node, opset) -> in -> new Tensor[] {f.apply(in[0], in[1])});
    }

    private static void unary(Map<String, Operator> ops, String name, UnaryOperator<Tensor> f) {
        ops.put(name, (node, opset) -> in -> new Tensor[] {f.apply(in[0])});
    }

    private static void variadic(Map<String, Operator> ops, String name, BinaryOperator<Tensor> f) {
        ops.put(name, (node, opset) -> in -> new Tensor[] {fold(in, f)});
    }

    private static Tensor fold(Tensor[] in, BinaryOperator<Tensor> f) {
        Tensor acc = in[0].to(in[0].dtype());
        for (int i = 1; i < in.length; i++) {
            Tensor next = f.apply(acc, in[i]);
            acc.close();
            acc = next;
        }
        return acc;
    }

    /** Integer division truncates, as in C (ONNX's rule); Panamax's own division promotes integers to floats. */
    private static Tensor div(Tensor a, Tensor b) {
        if (a.dtype().isFloating() || b.dtype().isFloating()) return a.div(b);
        try (Tensor af = a.to(DType.F64); Tensor q = af.div(b)) {
            return q.to(DType.promote(a.dtype(), b.dtype()));
        }
    }

    /** {@code x²} and {@code √x} by their own kernels: exporters write LayerNorm's variance as {@code Pow(d, 2)}. */
    private static Tensor pow(Tensor a, Tensor b) {
        if (b.numel() == 1 && b.rank() <= a.rank() && a.dtype().isFloating()) {
            double e = Args.scalar(b, "Pow exponent");
            if (e == 2) return a.square();
            if (e == 0.5) return a.sqrt();
            if (e == 1) return a.to(a.dtype());
        }
        if (!a.dtype().isFloating()) {  // the result has the base's type: integer powers go through float64, exact at these sizes
            try (Tensor af = a.to(DType.F64); Tensor bf = b.to(DType.F64); Tensor p = af.pow(bf)) {
                return p.to(a.dtype());
            }
        }
        return a.pow(b.dtype() == a.dtype() ? b : b.to(a.dtype()));
    }
}
