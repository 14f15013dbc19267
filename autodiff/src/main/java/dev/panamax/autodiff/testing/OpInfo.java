package dev.panamax.autodiff.testing;

import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * One record per differentiable op, driving its tests (as PyTorch's OpInfo does): sample inputs (F64,
 * including broadcast, non-contiguous and size-1 cases), the function under test, an optional independent
 * reference for the forward value, and gradient-check tolerances. {@code primitive} names the
 * {@link Function} class it covers, so a coverage test can fail when an op has no record.
 *
 * @param samples each sample is one set of inputs; made fresh for every use, so tests may modify them
 */
public record OpInfo(String name, Class<? extends Function> primitive, java.util.function.Function<Var[], Var> fn,
                     Supplier<List<Tensor[]>> samples, java.util.function.Function<Tensor[], Tensor> reference,
                     double atol, double rtol) {
    public OpInfo {
        if (atol <= 0 || rtol < 0) throw new IllegalArgumentException(name + ": tolerances must be positive");
    }
}
