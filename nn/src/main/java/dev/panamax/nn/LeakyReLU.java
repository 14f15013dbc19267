package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Rng;
import java.util.Locale;

/** {@code x > 0 ? x : alpha·x}, Keras' LeakyReLU layer (default slope 0.3, as Keras; DCGAN uses 0.2). */
public final class LeakyReLU extends Layer {
    private final double alpha;

    /** Keras' default negative slope, 0.3. */
    public LeakyReLU() {
        this(0.3);
    }

    /**
     * A leaky ReLU with the given negative slope.
     *
     * @param alpha the slope for negative inputs, finite and at least 0
     * @throws IllegalArgumentException when {@code alpha} is negative, NaN or infinite
     */
    public LeakyReLU(double alpha) {
        super("leaky_re_lu");
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LeakyReLU: alpha (the negative slope) must be finite and >= 0, got " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.leakyRelu(x, alpha);
    }

    @Override
    public String configJson() {
        return String.format(Locale.ROOT, "{\"alpha\": %s}", alpha);
    }
}
