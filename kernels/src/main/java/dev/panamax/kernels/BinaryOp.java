package dev.panamax.kernels;

/**
 * Elementwise binary operations. The scalar methods are the definition every kernel is tested against.
 * Integer arithmetic wraps like Java's; integer division and power are not defined here because the tensor
 * layer promotes them to floating point first (true division, as in NumPy and PyTorch).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN;

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

    /** True when integer inputs must be promoted to a floating type before this op. */
    public boolean promotesIntegers() {
        return this == DIV || this == POW;
    }
}
