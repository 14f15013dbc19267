package dev.panamax.autodiff.testing;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.function.Function;

/**
 * The F32 production path against the F64 reference: the same function runs on F64 inputs (the scalar twins,
 * checked by {@link GradCheck}) and on the same values in F32 (the Vector API kernels, OpenBLAS), and the F32
 * output and every input gradient must match the F64 ones within the F32 tolerance. Inputs keep their layout
 * (a transposed view stays transposed), so the F32 kernels meet the same strides as the reference.
 */
public final class PrecisionCheck {
    private PrecisionCheck() {}

    /**
     * Throws {@link AssertionError} naming the output or input and the first element out of tolerance.
     *
     * @param name   the check's name in failure messages
     * @param fn     the function under test
     * @param inputs the F64 inputs (their F32 copies are made here)
     * @param f32    the F32 tolerance
     */
    public static void check(String name, Function<Var[], Var> fn, Tensor[] inputs, OpInfo.Tolerance f32) {
        try (MemoryScope scope = MemoryScope.open("precision " + name)) {
            Var[] p64 = new Var[inputs.length], p32 = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                p64[i] = Var.param(inputs[i]);
                p32[i] = Var.param(toF32(inputs[i]));
            }
            Var out64 = fn.apply(p64), out32 = fn.apply(p32);
            if (out32.value().dtype() != DType.F32) {
                throw new AssertionError(name + ": F32 inputs gave a " + out32.value().dtype() + " output");
            }
            compare(name + ": output", out64.value(), out32.value(), f32);
            Tensor w = Tensor.uniform(new Rng(1234), 0.5, 1.5, DType.F64, out64.shape());
            out64.backward(w);
            out32.backward(w.to(DType.F32));
            for (int i = 0; i < inputs.length; i++) compare(name + ": gradient of input " + i, p64[i].grad(), p32[i].grad(), f32);
        }
    }

    /** The same values in F32, with a 2-D transposed view kept transposed. */
    static Tensor toF32(Tensor t) {
        if (t.isContiguous() || t.rank() != 2) return t.to(DType.F32);
        try (Tensor base = t.t(); Tensor c = base.to(DType.F32)) {
            return c.isContiguous() ? c.t() : t.to(DType.F32);
        }
    }

    private static void compare(String what, Tensor want, Tensor got, OpInfo.Tolerance tol) {
        if (want == null || got == null) {
            if (want != got) throw new AssertionError(what + ": F64 " + (want == null ? "has none" : "has one") + ", F32 "
                    + (got == null ? "has none" : "has one"));
            return;
        }
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        if (w.length != g.length) throw new AssertionError(what + ": " + g.length + " F32 values vs " + w.length + " in F64");
        for (int i = 0; i < w.length; i++) {
            if (!(Math.abs(g[i] - w[i]) <= tol.atol() + tol.rtol() * Math.abs(w[i])) && !(Double.isNaN(w[i]) && Double.isNaN(g[i]))) {
                throw new AssertionError(what + " at flat index " + i + ": F32 " + g[i] + ", F64 " + w[i] + " (atol " + tol.atol()
                        + ", rtol " + tol.rtol() + ")");
            }
        }
    }
}
