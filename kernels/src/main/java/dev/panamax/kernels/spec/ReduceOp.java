package dev.panamax.kernels.spec;

/** Reductions of a contiguous run of values to one value. */
public enum ReduceOp {
    /** The sum. */
    SUM,
    /** The largest value (NaN if any value is NaN). */
    MAX,
    /** The smallest value (NaN if any value is NaN). */
    MIN;

    /**
     * The value of the reduction over no elements; MAX and MIN have none and are rejected by callers.
     *
     * @return 0 for SUM, -∞ for MAX, +∞ for MIN (the neutral element of {@link #combiner()})
     */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /**
     * The elementwise op that folds one partial result into another.
     *
     * @return ADD, MAX or MIN
     */
    public BinaryOp combiner() {
        return switch (this) {
            case SUM -> BinaryOp.ADD;
            case MAX -> BinaryOp.MAX;
            case MIN -> BinaryOp.MIN;
        };
    }
}
