package dev.panamax.autodiff;

/**
 * A differentiable function of variables, as {@link dev.panamax.autodiff.testing.GradCheck} and
 * {@link dev.panamax.autodiff.functional.F#valueAndGrad} take it. Panamax's own interface rather than
 * {@code java.util.function.Function<Var[], Var>}, whose simple name clashes with {@link Function} (the base of
 * custom ops) in user code that imports both. A lambda fits it: {@code v -> F.sum(F.mul(v[0], v[1]))}.
 */
@FunctionalInterface
public interface VarFunction {
    /**
     * The output for {@code inputs}, computed with {@code F.*} ops (or custom {@link Function}s) so that backward
     * reaches every input.
     *
     * @param inputs the variables, in the order the caller gave their values
     * @return the output variable
     */
    Var apply(Var... inputs);
}
