package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;

/** A weight penalty added to the training loss (Keras: {@code l1·Σ|w| + l2·Σw²}). */
public record Regularizer(double l1, double l2) {
    public static Regularizer l1(double l) {
        return new Regularizer(l, 0);
    }

    public static Regularizer l2(double l) {
        return new Regularizer(0, l);
    }

    public static Regularizer l1l2(double l1, double l2) {
        return new Regularizer(l1, l2);
    }

    public Var penalty(Var w) {
        Var p = null;
        if (l1 > 0) p = F.mul(F.l1(w), l1);
        if (l2 > 0) p = p == null ? F.mul(F.l2(w), l2) : F.add(p, F.mul(F.l2(w), l2));
        return p;
    }
}
