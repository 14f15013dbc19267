package dev.panamax.kernels;

/** Reductions of a contiguous run of values to one value. */
public enum ReduceOp {
    SUM, MAX, MIN;

    /** The value of the reduction over no elements; MAX and MIN have none and are rejected by callers. */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** The elementwise op that folds one partial result into another. */
    public BinaryOp combiner() {
        return switch (this) {
            case SUM -> BinaryOp.ADD;
            case MAX -> BinaryOp.MAX;
            case MIN -> BinaryOp.MIN;
        };
    }
}
