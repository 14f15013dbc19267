package dev.panamax.kernels;

/** Elementwise comparisons; results are 0 or 1 bytes (the U8 mask type). NaN compares unequal to everything. */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE;

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
