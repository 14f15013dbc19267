package dev.panamax.tensors;

/**
 * A seeded, counter-based random generator: draw {@code i} is a pure function of the seed and a running
 * counter, so the same seed gives the same numbers on every run and at every thread count, and large tensors
 * can be filled in parallel. Each call advances the counter by what it drew. Not thread-safe; give each
 * thread its own generator (see {@link #split()}).
 */
public final class Rng {
    private final long seed;
    private long counter;

    /**
     * A generator whose draws are a pure function of {@code seed} and the draw's index.
     *
     * @param seed any value; the same seed gives the same draws
     */
    public Rng(long seed) {
        this.seed = seed;
    }

    /** {@return the seed this generator was made with} */
    public long seed() {
        return seed;
    }

    /** {@return an independent generator derived from this one (advances this one by one draw)} */
    public Rng split() {
        return new Rng(nextLong());
    }

    /**
     * Reserves {@code n} draws and returns the counter of the first.
     *
     * @param n how many draws
     * @return the counter (index) of the first reserved draw
     */
    public long reserve(long n) {
        long c = counter;
        counter += n;
        return c;
    }

    /**
     * The 64 random bits of draw {@code index} (SplitMix64 finaliser over seed and counter).
     *
     * @param index the draw's counter
     * @return the bits; the same for the same seed and index
     */
    public long bits(long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in [0, 1) from draw {@code index}, with 53 random bits.
     *
     * @param index the draw's counter
     * @return a value in [0, 1)
     */
    public double uniform(long index) {
        return (bits(index) >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal from draws {@code 2 * pair} and {@code 2 * pair + 1} (Box-Muller, cosine or sine branch).
     *
     * @param pair   the index of the pair of draws used
     * @param second the sine branch (the pair's second normal) instead of the cosine one
     * @return a standard normal value
     */
    public double normal(long pair, boolean second) {
        double u1 = 1.0 - uniform(2 * pair);  // (0, 1]: log stays finite
        double u2 = uniform(2 * pair + 1);
        double r = Math.sqrt(-2.0 * Math.log(u1));
        return second ? r * Math.sin(2 * Math.PI * u2) : r * Math.cos(2 * Math.PI * u2);
    }

    /** {@return the next draw's 64 random bits} */
    public long nextLong() {
        return bits(reserve(1));
    }

    /** {@return the next draw as a uniform value in [0, 1)} */
    public double nextDouble() {
        return uniform(reserve(1));
    }

    /**
     * Uniform integer in [0, bound), without modulo bias.
     *
     * @param bound the exclusive upper bound, positive
     * @return a value in [0, bound)
     * @throws IllegalArgumentException when {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long r = nextLong() >>> 32;
            if (r < limit) return (int) (r % bound);
        }
    }

    /**
     * A random permutation of 0..n-1 (Fisher-Yates).
     *
     * @param n the length, at least 0
     * @return the permutation, a new array
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
