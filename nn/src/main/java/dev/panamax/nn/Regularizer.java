package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;

/**
 * A weight penalty added to the training loss (Keras: {@code l1·Σ|w| + l2·Σw²}).
 *
 * @param l1 the factor of {@code Σ|w|}, at least 0
 * @param l2 the factor of {@code Σw²}, at least 0
 */
public record Regularizer(double l1, double l2) {
    /**
     * An L1 penalty only.
     *
     * @param l the factor of {@code Σ|w|}
     * @return the regularizer
     */
    public static Regularizer l1(double l) {
        return new Regularizer(l, 0);
    }

    /**
     * An L2 penalty only (weight decay folded into the loss).
     *
     * @param l the factor of {@code Σw²}
     * @return the regularizer
     */
    public static Regularizer l2(double l) {
        return new Regularizer(0, l);
    }

    /**
     * Both penalties.
     *
     * @param l1 the factor of {@code Σ|w|}
     * @param l2 the factor of {@code Σw²}
     * @return the regularizer
     */
    public static Regularizer l1l2(double l1, double l2) {
        return new Regularizer(l1, l2);
    }

    /**
     * The penalty of one weight tensor, to add to the loss.
     *
     * @param w the weights
     * @return the scalar {@code l1·Σ|w| + l2·Σw²}
     */
    public Var penalty(Var w) {
        Var p = null;
        if (l1 > 0) p = F.mul(F.l1(w), l1);
        if (l2 > 0) p = p == null ? F.mul(F.l2(w), l2) : F.add(p, F.mul(F.l2(w), l2));
        return p;
    }
}
