package dev.panamax.autodiff.testing;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One record per differentiable op (or mode of an op), driving its tests as PyTorch's OpInfo does: sample inputs
 * (F64, including broadcast, non-contiguous and size-1 cases), the function under test, an optional independent
 * reference for the forward value, and tolerances per dtype: {@code f64} for the finite-difference gradient check,
 * {@code f32} for the F32 production path against the F64 reference ({@link PrecisionCheck}); a null {@code f32}
 * marks an op that only runs in F64. Which op classes and modes a record covers is observed on the tape
 * ({@link Var#ops()}), so a coverage test can fail when an op or a mode has no record.
 *
 * @param samples each sample is one set of inputs; made fresh for every use, so tests may modify them
 *
 * @param name      the record's name in test reports
 * @param fn        the function under test, of the sample's inputs as parameters
 * @param reference an independent computation of the forward value from the inputs, or null
 * @param f64       the tolerance of the finite-difference gradient check
 * @param f32       the tolerance of the F32 path against F64, or null for an op that runs in F64 only
 */
public record OpInfo(String name, Function<Var[], Var> fn, Supplier<List<Tensor[]>> samples, Function<Tensor[], Tensor> reference,
                     Tolerance f64, Tolerance f32) {
    /**
     * {@code |got - want| <= atol + rtol·|want|}, elementwise.
     *
     * @param atol the absolute tolerance, positive
     * @param rtol the relative tolerance, at least 0
     */
    public record Tolerance(double atol, double rtol) {
        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException when {@code atol} is not positive or {@code rtol} is negative
         */
        public Tolerance {
            if (!(atol > 0) || !(rtol >= 0)) throw new IllegalArgumentException("tolerances must be positive, got " + atol + ", " + rtol);
        }
    }

    /**
     * Checks that the F64 tolerance is there.
     *
     * @throws IllegalArgumentException when {@code f64} is null
     */
    public OpInfo {
        if (f64 == null) throw new IllegalArgumentException(name + ": the F64 tolerance is required");
    }

    /**
     * The same record with another F32 tolerance (null: F64 only).
     *
     * @param t the new F32 tolerance, or null for F64 only
     * @return a copy with {@code f32} replaced
     */
    public OpInfo withF32(Tolerance t) {
        return new OpInfo(name, fn, samples, reference, f64, t);
    }
}
