package dev.panamax.apps.gan;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Conv2DTranspose;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.LeakyReLU;
import dev.panamax.nn.Reshape;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.ArrayList;
import java.util.List;

/**
 * A DCGAN (Radford, Metz and Chintala 2016) for 28 × 28 digits, trained as the paper says: Adam with learning rate
 * 2e-4 and β1 = 0.5 for both networks, batch normalisation and ReLU-family activations in the generator, strided
 * convolutions with leaky ReLU (slope 0.2) in the discriminator, tanh output in [-1, 1].
 * <pre>
 * generator      z (B, Z) → Dense 7·7·2W → BN → LeakyReLU → Reshape (7, 7, 2W)
 *                → Conv2DTranspose W 4×4 /2 same (no bias) → BN → LeakyReLU            (B, 14, 14, W)
 *                → Conv2DTranspose 1 4×4 /2 same, tanh                                  (B, 28, 28, 1)
 * discriminator  x (B, 28, 28, 1) → Conv2D W 4×4 /2 same → LeakyReLU → Dropout 0.3     (B, 14, 14, W)
 *                → Conv2D 2W 4×4 /2 same → LeakyReLU → Dropout 0.3 → Flatten → Dense 1  (B, 1): a logit
 * </pre>
 * The losses are the non-saturating ones of Goodfellow et al. (2014) on logits, {@code softplus} written so it
 * cannot overflow: the discriminator minimises {@code softplus(-D(x)) + softplus(D(G(z)))}, the generator
 * {@code softplus(-D(G(z)))}. Each step takes one discriminator update on a real batch and a generated one, then one
 * generator update on fresh noise. Everything random (weights, shuffling, noise, dropout) comes from the seed.
 */
public final class Dcgan {
    private Dcgan() {}

    /** Rows and columns of an MNIST digit. */
    public static final int SIDE = 28;
    /**
     * The generator's running statistics follow the batches quickly (Keras' DCGAN examples use 0.8): the samples
     * are drawn in inference mode, and with 0.99 the statistics lagged the fast-moving early generator (the first
     * epoch's samples of a short run came out as flat grey).
     */
    static final double BN_MOMENTUM = 0.8;

    /**
     * @param epochs   passes over the training images
     * @param batch    images per step (the last partial batch of an epoch is dropped)
     * @param zDim     noise dimensions
     * @param width    the narrower convolution's channels (the other has twice as many)
     * @param lr       Adam's learning rate for both networks
     * @param beta1    Adam's first-moment decay
     * @param seed     the one seed of the run
     */
    public record Options(int epochs, int batch, int zDim, int width, double lr, double beta1, long seed) {
        public Options {
            if (epochs < 1 || batch < 2 || zDim < 1 || width < 1 || !(lr > 0) || !(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("dcgan: epochs >= 1, batch >= 2, noise and width >= 1, lr > 0 and beta1 in [0, 1) needed, got "
                        + this);
            }
        }

        /**
         * The paper's optimiser settings, 100 noise dimensions, width 32 and batches of 64: width 64 and batches of 128
         * took 0.69 s a step here (2 shared cores), over 5 minutes an epoch; this is a quarter of the arithmetic, and
         * twice the updates an epoch.
         */
        public static Options defaults(int epochs, long seed) {
            return new Options(epochs, 64, 100, 32, 2e-4, 0.5, seed);
        }
    }

    /** Progress: every step's losses, and the fixed noise's samples {@code (S, 28, 28, 1)} in [-1, 1] after each epoch. */
    public interface Listener {
        void onStep(int epoch, long step, long stepsPerEpoch, double dLoss, double gLoss);

        void onEpoch(int epoch, float[] samples, double meanDLoss, double meanGLoss);
    }

    /** The trained generator (the caller closes it) and each epoch's mean losses. */
    public record Result(Sequential generator, List<Double> dLoss, List<Double> gLoss, long steps, double wallSeconds) {}

    public static Sequential generator(int zDim, int width, long seed) {
        return new Sequential("generator", seed)
                .add(new Dense(7 * 7 * 2 * width, "linear")).add(new BatchNormalization(BN_MOMENTUM, 1e-3)).add(new LeakyReLU(0.2))
                .add(new Reshape(7, 7, 2 * width))
                .add(new Conv2DTranspose(width, 4, 4, 2, "same", false, "linear")).add(new BatchNormalization(BN_MOMENTUM, 1e-3)).add(new LeakyReLU(0.2))
                .add(new Conv2DTranspose(1, 4, 4, 2, "same", true, "tanh"))
                .build(zDim);
    }

    public static Sequential discriminator(int width, long seed) {
        return new Sequential("discriminator", seed)
                .add(new Conv2D(width, 4, 4, 2, "same", 1, "linear")).add(new LeakyReLU(0.2)).add(new Dropout(0.3))
                .add(new Conv2D(2 * width, 4, 4, 2, "same", 1, "linear")).add(new LeakyReLU(0.2)).add(new Dropout(0.3))
                .add(new Flatten()).add(new Dense(1, "linear"))
                .build(SIDE, SIDE, 1);
    }

    /** {@code log(1 + exp(x))} as {@code max(x, 0) + log(1 + exp(-|x|))}: no overflow for large logits. */
    static Var softplus(Var x) {
        return F.add(F.relu(x), F.log(F.add(F.exp(F.neg(F.abs(x))), 1.0)));
    }

    /**
     * Trains on {@code real}: images scaled to [-1, 1], one flat (N·28·28) array. {@code fixedNoise} (S, Z) is drawn
     * once by the caller so every epoch's samples show the same latent points.
     */
    public static Result train(Options o, float[] real, Tensor fixedNoise, Listener listener) {
        int pixels = SIDE * SIDE, n = real.length / pixels;
        long stepsPerEpoch = n / o.batch();
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("dcgan: " + n + " training images are fewer than one batch of " + o.batch());
        long t0 = System.nanoTime();
        Rng seeds = new Rng(o.seed());
        Rng shuffle = seeds.split(), noise = seeds.split();
        Sequential g = generator(o.zDim(), o.width(), seeds.nextLong());
        List<Double> dLosses = new ArrayList<>(), gLosses = new ArrayList<>();
        long steps = 0;
        Adam adamG = new Adam(o.lr(), o.beta1(), 0.999, 1e-7, 0), adamD = new Adam(o.lr(), o.beta1(), 0.999, 1e-7, 0);
        try (Sequential d = discriminator(o.width(), seeds.nextLong()); StepArena arena = new StepArena("dcgan")) {
            float[] batch = new float[o.batch() * pixels];
            for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                int[] order = shuffle.permutation(n);
                double dSum = 0, gSum = 0;
                for (long s = 0; s < stepsPerEpoch; s++) {
                    for (int i = 0; i < o.batch(); i++) System.arraycopy(real, order[(int) (s * o.batch() + i)] * pixels, batch, i * pixels, pixels);
                    double[] losses = step(g, d, adamG, adamD, batch, o, noise, arena);
                    dSum += losses[0];
                    gSum += losses[1];
                    steps++;
                    listener.onStep(epoch, s + 1, stepsPerEpoch, losses[0], losses[1]);
                }
                dLosses.add(dSum / stepsPerEpoch);
                gLosses.add(gSum / stepsPerEpoch);
                listener.onEpoch(epoch, sample(g, fixedNoise), dSum / stepsPerEpoch, gSum / stepsPerEpoch);
            }
        } catch (RuntimeException e) {
            g.close();
            throw e;
        } finally {
            adamG.close();
            adamD.close();
        }
        return new Result(g, List.copyOf(dLosses), List.copyOf(gLosses), steps, (System.nanoTime() - t0) / 1e9);
    }

    /** One discriminator update, then one generator update: {@code {dLoss, gLoss}}. */
    private static double[] step(Sequential g, Sequential d, Adam adamG, Adam adamD, float[] real, Options o, Rng noise, StepArena arena) {
        int b = o.batch();
        try (MemoryScope step = MemoryScope.open("dcgan step", arena)) {
            Tensor fake;
            try (GradMode.Switch off = GradMode.noGrad()) {
                fake = g.forward(Var.of(Tensor.randn(noise, DType.F32, b, o.zDim())), true).value();  // (B, 28, 28, 1)
            }
            d.params().forEach(Var::zeroGrad);
            Var onReal = d.forward(Var.of(Tensor.of(real, b, SIDE, SIDE, 1)), true), onFake = d.forward(Var.of(fake), true);  // (B, 1)
            Var dLoss = F.add(F.mean(softplus(F.neg(onReal))), F.mean(softplus(onFake)));
            dLoss.backward();
            adamD.step(d.params());

            g.params().forEach(Var::zeroGrad);
            Var judged = d.forward(g.forward(Var.of(Tensor.randn(noise, DType.F32, b, o.zDim())), true), true);
            Var gLoss = F.mean(softplus(F.neg(judged)));
            gLoss.backward();
            adamG.step(g.params());
            return new double[] {dLoss.value().item(), gLoss.value().item()};
        }
    }

    /** The generator's images for {@code z (S, Z)} in inference mode (batch normalisation's running statistics). */
    public static float[] sample(Sequential g, Tensor z) {
        try (MemoryScope s = MemoryScope.open("dcgan sample"); GradMode.Switch off = GradMode.noGrad()) {
            return g.forward(Var.of(z), false).value().toFloatArray();
        }
    }
}
