package dev.panamax.kernels.spec;

/**
 * Elementwise binary operations. The scalar methods are the definition every kernel is tested against.
 * Integer arithmetic wraps like Java's; integer division and power are not defined here because the tensor
 * layer promotes them to floating point first (true division, as in NumPy and PyTorch).
 */
public enum BinaryOp {
    /** {@code a + b}. */
    ADD,
    /** {@code a - b}. */
    SUB,
    /** {@code a * b}. */
    MUL,
    /** {@code a / b} (true division). */
    DIV,
    /** {@code a} to the power {@code b}, as {@link Math#pow}. */
    POW,
    /** The larger of the two (NaN if either is NaN). */
    MAX,
    /** The smaller of the two (NaN if either is NaN). */
    MIN;

    /**
     * The op in single precision: the scalar definition the float kernels are tested against.
     *
     * @param a the left operand
     * @param b the right operand
     * @return {@code a op b}
     */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    /**
     * The op in double precision.
     *
     * @param a the left operand
     * @param b the right operand
     * @return {@code a op b}
     */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    /**
     * Integer form; wraps like Java's arithmetic.
     *
     * @param a the left operand
     * @param b the right operand
     * @return {@code a op b}
     * @throws IllegalArgumentException for DIV and POW, which the tensor layer promotes to floating point first
     */
    public long apply(long a, long b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case DIV, POW -> throw new IllegalArgumentException(
                    name().toLowerCase() + " on integers must be promoted to floating point first");
        };
    }

    /**
     * Whether integer inputs must be promoted to a floating type before this op.
     *
     * @return true for DIV and POW
     */
    public boolean promotesIntegers() {
        return this == DIV || this == POW;
    }
}
