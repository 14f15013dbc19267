package dev.panamax.autodiff.testing;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Gradients;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.VarFunction;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Arrays;

/**
 * Finite-difference gradient check in float64, for framework builders' own ops as much as Panamax's.
 * The output is reduced to a scalar with fixed random weights (so every output element matters), the
 * analytic gradient comes from one backward pass, and each input element is perturbed by ±eps for the
 * central difference. Inputs may be non-contiguous views; they are restored after each perturbation.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * {@link #check(String, VarFunction, Tensor[], double, double, double)} with PyTorch's {@code gradcheck}
     * defaults: eps 1e-6, atol 1e-5, rtol 1e-3.
     *
     * @param fn the function under test; a lambda such as {@code v -> new Swish().apply1(v[0], v[1])}
     * @param inputs F64 values of its inputs (perturbed and restored in place)
     */
    public static void check(VarFunction fn, Tensor... inputs) {
        check("function", fn, inputs, 1e-6, 1e-5, 1e-3);
    }

    /**
     * Throws {@link AssertionError} naming the input, element, analytic and numeric values when
     * {@code |analytic - numeric| > atol + rtol·|numeric|} anywhere.
     *
     * @param name what the error messages call the function
     * @param fn the function under test
     * @param inputs F64 values of its inputs (perturbed and restored in place)
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numeric derivative
     */
    public static void check(String name, VarFunction fn, Tensor[] inputs, double eps, double atol, double rtol) {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.F64) {
                throw new IllegalArgumentException("gradcheck " + name + ": inputs must be F64, got " + t.dtype());
            }
        }
        try (MemoryScope scope = MemoryScope.open("gradcheck " + name)) {
            Var[] params = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) params[i] = Var.param(inputs[i]);
            Var out = fn.apply(params);
            Tensor weights = Tensor.uniform(new Rng(1234), 0.5, 1.5, DType.F64, out.shape());
            out.backward(weights);
            for (int i = 0; i < inputs.length; i++) {
                Tensor analytic = params[i].grad();
                long[] shape = inputs[i].shape();
                long[] idx = new long[shape.length];
                for (long e = 0; e < inputs[i].numel(); e++) {
                    double orig = inputs[i].getDouble(idx);
                    double plus = weighted(fn, inputs, i, idx, orig + eps, weights);
                    double minus = weighted(fn, inputs, i, idx, orig - eps, weights);
                    inputs[i].set(orig, idx);
                    double numeric = (plus - minus) / (2 * eps);
                    double got = analytic == null ? 0 : analytic.getDouble(idx);
                    if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) {
                        throw new AssertionError("gradcheck " + name + ": input " + i + " " + Arrays.toString(shape) + " at "
                                + Arrays.toString(idx) + ": analytic " + got + ", numeric " + numeric);
                    }
                    for (int d = shape.length - 1; d >= 0; d--) {
                        if (++idx[d] < shape[d]) break;
                        idx[d] = 0;
                    }
                }
                params[i].clearGrad();
            }
        }
    }

    /**
     * Second derivatives: checks the gradient of {@code fn} (of its output weighted by fixed random numbers) with
     * respect to every input, itself against finite differences, as PyTorch's {@code gradgradcheck}. The analytic
     * side differentiates a gradient made with {@code createGraph}, so every op of {@code fn} needs a differentiable
     * backward ({@link dev.panamax.autodiff.Function#backwardGraph}).
     *
     * @param name what the error messages call the function
     * @param fn the function under test
     * @param inputs F64 values of its inputs (perturbed and restored in place)
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numeric derivative
     */
    public static void checkGradient(String name, VarFunction fn, Tensor[] inputs, double eps, double atol, double rtol) {
        try (MemoryScope scope = MemoryScope.open("gradgradcheck " + name)) {
            Tensor w;
            try (GradMode.Switch off = GradMode.noGrad()) {
                Var[] consts = new Var[inputs.length];
                for (int i = 0; i < inputs.length; i++) consts[i] = Var.of(inputs[i]);
                w = Tensor.uniform(new Rng(4321), 0.5, 1.5, DType.F64, fn.apply(consts).shape());
            }
            VarFunction gradient = v -> {
                try (GradMode.Switch on = GradMode.enableGrad()) {
                    Var[] q = new Var[v.length];  // finite differences pass constants: make them differentiable
                    for (int i = 0; i < v.length; i++) q[i] = v[i].requiresGrad() ? v[i] : Var.param(v[i].value());
                    Var[] g = Gradients.grad(F.sum(F.mul(fn.apply(q), Var.of(w))), q, true);
                    Var[] flat = new Var[g.length];
                    for (int i = 0; i < g.length; i++) flat[i] = F.reshape(g[i], g[i].value().numel());
                    return flat.length == 1 ? flat[0] : F.concat(0, flat);
                }
            };
            check(name + " (gradient)", gradient, inputs, eps, atol, rtol);
        }
    }

    private static double weighted(VarFunction fn, Tensor[] inputs, int which, long[] idx, double value, Tensor w) {
        inputs[which].set(value, idx);
        try (GradMode.Switch off = GradMode.noGrad(); MemoryScope s = MemoryScope.open("gradcheck-eval")) {
            Var[] consts = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) consts[i] = Var.of(inputs[i]);
            return fn.apply(consts).value().mul(w).sum().item();
        }
    }
}
