package dev.panamax.kernels.spec;

/** Elementwise comparisons; results are 0 or 1 bytes (the U8 mask type). NaN compares unequal to everything. */
public enum CompareOp {
    /** {@code a == b}. */
    EQ,
    /** {@code a != b} (true when either is NaN). */
    NE,
    /** {@code a < b}. */
    LT,
    /** {@code a <= b}. */
    LE,
    /** {@code a > b}. */
    GT,
    /** {@code a >= b}. */
    GE;

    /**
     * The comparison on floating-point values, as Java's operators define it (every comparison with NaN is false but NE).
     *
     * @param a the left operand
     * @param b the right operand
     * @return whether {@code a op b} holds
     */
    public boolean test(double a, double b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }

    /**
     * The comparison on integer values.
     *
     * @param a the left operand
     * @param b the right operand
     * @return whether {@code a op b} holds
     */
    public boolean test(long a, long b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }
}
