package dev.panamax.nn.loss;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;
import java.util.Locale;

/**
 * A training loss: mean over the batch of a per-example loss between the model's output and the targets.
 * Keras' names and definitions; the cross-entropies clip probabilities to [1e-7, 1-1e-7] unless
 * {@code fromLogits}, where the softmax/sigmoid is fused in (numerically stable).
 */
public interface Loss {
    /**
     * The mean loss over the batch.
     *
     * @param output the model's output (N, ...)
     * @param target the targets: class indices (N) for sparse losses, else shaped like {@code output}
     * @return a scalar
     */
    Var compute(Var output, Tensor target);

    /** {@return true when targets are class indices (one integer per example), which enables label checks} */
    default boolean sparseLabels() {
        return false;
    }

    /**
     * The same loss computed from the logits behind a softmax output, or null when there is none. Keras does
     * this for cross-entropy on a softmax layer: it avoids clipping probabilities, which would silence the
     * gradient of an example whose true class has probability below 1e-7.
     *
     * @return the loss on logits, or null
     */
    default Loss onLogits() {
        return null;
    }

    /** Makes a user loss registered with {@link #register}. */
    @FunctionalInterface
    interface Factory {
        /**
         * The loss.
         *
         * @param fromLogits whether the model's outputs are logits rather than probabilities
         * @return the loss
         */
        Loss create(boolean fromLogits);
    }

    /**
     * Registers (or replaces) a user loss under {@code name} (case-insensitive), so that {@link #byName}, the
     * trainer's options and saved training configs find it.
     *
     * @param name the name
     * @param factory makes the loss
     */
    static void register(String name, Factory factory) {
        LossRegistry.REGISTERED.put(name.toLowerCase(Locale.ROOT), factory);
    }

    /**
     * Removes a registration.
     *
     * @param name the name it was registered under
     */
    static void unregister(String name) {
        LossRegistry.REGISTERED.remove(name.toLowerCase(Locale.ROOT));
    }

    /**
     * A loss by Keras name, or by a name registered with {@link #register}.
     *
     * @param name the loss's name
     * @param fromLogits whether the model's outputs are logits
     * @return the loss
     * @throws IllegalArgumentException for an unknown name, naming the registration call
     */
    static Loss byName(String name, boolean fromLogits) {
        Factory user = LossRegistry.REGISTERED.get(name.toLowerCase(Locale.ROOT));
        if (user != null) return user.create(fromLogits);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sparse_categorical_crossentropy" -> new Loss() {
                @Override
                public Var compute(Var out, Tensor y) {
                    return fromLogits ? F.crossEntropyFromLogits(out, y) : F.crossEntropyFromProbs(out, y, 1e-7);
                }

                @Override
                public boolean sparseLabels() {
                    return true;
                }

                @Override
                public Loss onLogits() {
                    return fromLogits ? null : byName(name, true);
                }
            };
            case "categorical_crossentropy" -> (out, y) -> {
                try (Tensor t = y.to(out.value().dtype())) {
                    if (fromLogits) return F.crossEntropyFromLogitsOneHot(out, t);
                    Var logp = F.log(F.clamp(out, 1e-7, 1 - 1e-7));
                    return F.mul(F.sum(F.mul(logp, Var.of(t.reshape(t.shape())))), -1.0 / out.shape()[0]);
                }
            };
            case "binary_crossentropy" -> (out, y) -> {
                Var t = Var.of(y.to(out.value().dtype()).reshape(out.shape()));
                return F.binaryCrossEntropy(fromLogits ? F.sigmoid(out) : out, t, 1e-7);
            };
            case "mse", "mean_squared_error" -> (out, y) -> F.mse(out, Var.of(y.to(out.value().dtype()).reshape(out.shape())));
            case "mae", "mean_absolute_error" -> (out, y) -> F.mae(out, Var.of(y.to(out.value().dtype()).reshape(out.shape())));
            case "huber" -> (out, y) -> F.huber(out, Var.of(y.to(out.value().dtype()).reshape(out.shape())), 1.0);
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: sparse_categorical_crossentropy, "
                    + "categorical_crossentropy, binary_crossentropy, mse, mae, huber; register your own with Loss.register(\""
                    + name + "\", fromLogits -> ...)");
        };
    }

}
