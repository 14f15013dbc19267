package dev.panamax.kernels.spec;

/** Elementwise unary math. The scalar methods are the definition every kernel is tested against. */
public enum UnaryOp {
    /** {@code -x}. */
    NEG,
    /** {@code |x|}. */
    ABS,
    /** {@code e^x}. */
    EXP,
    /** The natural logarithm. */
    LOG,
    /** The square root. */
    SQRT,
    /** The hyperbolic tangent. */
    TANH,
    /** {@code 1 / (1 + e^-x)}. */
    SIGMOID,
    /** {@code max(x, 0)}; NaN stays NaN. */
    RELU,
    /** {@code x * x}. */
    SQUARE,
    /** {@code 1 / x}. */
    RECIPROCAL,
    /** The sine (radians). */
    SIN,
    /** The cosine (radians). */
    COS,
    /** {@code ln(1 + x)}, accurate near 0. */
    LOG1P,
    /** {@code e^x - 1}, accurate near 0. */
    EXPM1,
    /** {@code 1 / sqrt(x)}. */
    RSQRT,
    /** -1, 0 or 1 by the sign of x (NaN stays NaN; ±0 stay ±0). */
    SIGN,
    /** 1 where x > 0, else 0 (also for NaN): ReLU's derivative. */
    STEP,
    /** The error function (ONNX's Erf; GELU's fused kernel has its own). */
    ERF;

    /**
     * The op in single precision: the scalar definition the float kernels are tested against.
     *
     * @param x the input
     * @return the op's value at {@code x}
     */
    public float apply(float x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU -> x > 0f ? x : (x == x ? 0f : x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case LOG1P -> (float) Math.log1p(x);
            case EXPM1 -> (float) Math.expm1(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case SIGN -> Math.signum(x);
            case STEP -> x > 0f ? 1f : 0f;
            case ERF -> (float) Erf.erf(x);
        };
    }

    /**
     * The op in double precision.
     *
     * @param x the input
     * @return the op's value at {@code x}
     */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case RELU -> x > 0 ? x : (x == x ? 0.0 : x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case SIGN -> Math.signum(x);
            case STEP -> x > 0 ? 1.0 : 0.0;
            case ERF -> Erf.erf(x);
        };
    }

    /**
     * Integer form, for the ops that keep integers integral; others promote to floating point first.
     *
     * @param x the input
     * @return the op's value at {@code x}, wrapping like Java's arithmetic
     * @throws IllegalArgumentException for an op that {@link #promotesIntegers() promotes integers}
     */
    public long apply(long x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RELU -> Math.max(x, 0);
            case SQUARE -> x * x;
            case SIGN -> Long.signum(x);
            case STEP -> x > 0 ? 1 : 0;
            default -> throw new IllegalArgumentException(
                    name().toLowerCase() + " on integers must be promoted to floating point first");
        };
    }

    /**
     * Whether integer inputs must be promoted to a floating type before this op.
     *
     * @return true for every op but NEG, ABS, RELU, SQUARE, SIGN and STEP
     */
    public boolean promotesIntegers() {
        return switch (this) {
            case NEG, ABS, RELU, SQUARE, SIGN, STEP -> false;
            default -> true;
        };
    }
}
