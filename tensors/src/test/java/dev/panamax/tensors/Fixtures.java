package dev.panamax.tensors;

/** Awkward inputs shared by the op tests: odd sizes that leave SIMD tails, size 0/1, strided and broadcast views. */
final class Fixtures {
    private Fixtures() {}

    /** Lengths around the 16-lane F32 and 8-lane F64 vector widths, plus a large parallel one. */
    static final long[] LENGTHS = {0, 1, 2, 7, 15, 16, 17, 31, 33, 63, 65, 100, 4095, 4097, 70001};

    static Tensor values(Rng rng, DType dt, long... shape) {
        try (Tensor u = Tensor.uniform(rng, -3, 3, DType.F64, shape)) {
            return u.to(dt);
        }
    }

    /** A non-contiguous view with the given shape: the transpose of a contiguous (cols, rows) tensor. */
    static Tensor transposed(Rng rng, DType dt, long rows, long cols) {
        try (Tensor base = values(rng, dt, cols, rows)) {
            return base.t();
        }
    }

    /** Every other element of a longer tensor: stride 2. */
    static Tensor strided(Rng rng, DType dt, long n) {
        try (Tensor base = values(rng, dt, 2 * n + 1)) {
            return base.slice(0, 1, 2 * n + 1, 2);
        }
    }
}
