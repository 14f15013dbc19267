package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainable function of a batch: what the training engine ({@code dev.panamax.nn.train.Trainer}) and saving
 * ({@code dev.panamax.nn.io.ModelIo}) need, and all they need. {@link Sequential} and {@link FunctionalModel}
 * implement it; so can a user's own class.
 *
 * <p>The contract:
 * <ul>
 *   <li><b>Build.</b> {@link #build} creates every weight for inputs of the given shape (batch dimension
 *       excluded) and returns the model; building again with the same shape does nothing. Before it,
 *       {@link #inputShape()} and {@link #outputShape()} are null and {@link #params()} may be empty; after it
 *       they describe the model. The trainer builds an unbuilt model from its data's shape.</li>
 *   <li><b>Forward.</b> {@link #forward} maps a batch {@code (N, ...)} to outputs {@code (N, ...)} with
 *       {@code F.*} ops on {@link Var}s, so that {@code backward} reaches every parameter. {@code training} is the
 *       mode and the model keeps none of its own: {@code true} while fitting (dropout active, batch statistics
 *       used and updated), {@code false} for validation, evaluation and prediction (deterministic, running
 *       statistics). The trainer passes the mode on every call, so validation inside a fit runs in inference
 *       mode and the next step trains again. Forward creates no weights after build.</li>
 *   <li><b>Parameters.</b> {@link #params()} returns the trainable variables, the same {@code Var} objects in the
 *       same order on every call: optimizer state and checkpoints are matched to them by position. Weights and
 *       non-trainable state are saved by the names {@link #weights()} gives them.</li>
 *   <li><b>Ownership.</b> Weights belong to the memory scope that was open when the layers (or the model) were
 *       made, and die with it; {@link #close()} frees those that belong to no scope. The trainer and the
 *       predictor never close the model: its maker does, or its scope.</li>
 * </ul>
 */
public interface Model extends AutoCloseable {
    /**
     * The model's output for a batch and the loss on it, in one forward pass.
     *
     * @param output the model's output for the batch
     * @param loss   the scalar training loss on it
     */
    record OutputAndLoss(Var output, Var loss) {}

    /**
     * Creates the weights for inputs of {@code inputShape} (without the batch dimension); returns this model.
     *
     * @param inputShape one example's shape, e.g. 28, 28, 1
     * @return this model
     * @throws IllegalArgumentException when a layer cannot take the shape
     */
    Model build(long... inputShape);

    /** {@return the input shape without the batch dimension, or null before {@link #build}} */
    long[] inputShape();

    /** {@return the output shape without the batch dimension, or null before {@link #build}} */
    long[] outputShape();

    /**
     * The outputs for batch {@code x} in training ({@code true}) or inference mode; see the class comment.
     *
     * @param x        the input batch (N, ...inputShape)
     * @param training true in training (dropout on, batch statistics used and updated)
     * @return the output batch (N, ...outputShape)
     */
    Var forward(Var x, boolean training);

    /** {@return the trainable variables, in a fixed order} */
    List<Var> params();

    /** {@return a name for summaries and for the memory the model's inference uses} */
    default String name() {
        return "model";
    }

    /** {@return the seed of the trainer's shuffling and augmentation} */
    default long seed() {
        return 0;
    }

    /**
     * How raw inputs are prepared for this model ({@link Preprocessing}); saved with it and applied by
     * {@code Predictor}. {@link Preprocessing#NONE} unless the model records one.
     *
     * @return the model's preprocessing
     */
    default Preprocessing preprocessing() {
        return Preprocessing.NONE;
    }

    /** {@return the layers whose weights this model holds, in a fixed order; empty for a model that holds its own} */
    default List<Layer> layers() {
        return List.of();
    }

    /**
     * The output and the training loss against {@code target}. The default applies {@code loss} to
     * {@link #forward}'s output; a model may compute the same loss a cheaper or more exact way (see
     * {@link Sequential}, which trains a final softmax on its logits).
     *
     * @param x        the input batch
     * @param target   the targets, as {@code loss} takes them
     * @param loss     the training loss
     * @param training the mode (see {@link #forward})
     * @return the output and the scalar loss
     */
    default OutputAndLoss forwardWithLoss(Var x, Tensor target, Loss loss, boolean training) {
        Var out = forward(x, training);
        return new OutputAndLoss(out, loss.compute(out, target));
    }

    /**
     * {@return the weight penalty added to the training loss (every layer's regularizers), or null when there is none}
     */
    default Var regularization() {
        Var total = null;
        for (Layer l : layers()) {
            Var r = l.regularization();
            if (r != null) total = total == null ? r : F.add(total, r);
        }
        return total;
    }

    /**
     * Every tensor that defines the trained model, by the name it is saved under: each layer's parameters and
     * state as {@code layer.kernel}, {@code layer.bias}, {@code batch_normalization.moving_mean}…; for a model
     * without layers its parameters as {@code param0}, {@code param1}…
     *
     * @return an ordered map from name to the model's own tensor (not a copy)
     */
    default Map<String, Tensor> weights() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        if (layers().isEmpty()) {
            List<Var> ps = params();
            for (int i = 0; i < ps.size(); i++) w.put("param" + i, ps.get(i).value());
            return w;
        }
        for (Layer l : layers()) {
            List<String> names = l.paramNames(), buffers = l.bufferNames();
            for (int i = 0; i < l.params().size(); i++) w.put(l.name() + "." + names.get(i), l.params().get(i).value());
            for (int i = 0; i < l.buffers().size(); i++) w.put(l.name() + "." + buffers.get(i), l.buffers().get(i));
        }
        return w;
    }

    /**
     * The trainable variables by name, in {@link #params()}'s order, named as {@link #weights()} names their values
     * ({@code dense.kernel}, {@code dense.bias}…): PyTorch's {@code named_parameters()}.
     *
     * @return an ordered map from name to parameter
     */
    default Map<String, Var> namedParameters() {
        Map<String, Var> named = new LinkedHashMap<>();
        if (layers().isEmpty()) {
            List<Var> ps = params();
            for (int i = 0; i < ps.size(); i++) named.put("param" + i, ps.get(i));
            return named;
        }
        for (Layer l : layers()) {
            List<String> names = l.paramNames();
            for (int i = 0; i < l.params().size(); i++) named.put(l.name() + "." + names.get(i), l.params().get(i));
        }
        return named;
    }

    /**
     * Everything that defines the trained model, by name: PyTorch's {@code state_dict()}, the same map as
     * {@link #weights()}. The tensors are the model's own (not copies): copy one to keep it past a later step.
     *
     * @return an ordered map from name to tensor
     */
    default Map<String, Tensor> stateDict() {
        return weights();
    }

    /**
     * What {@link #loadStateDict} did not match: keys the model has and the map lacks, and the other way round.
     *
     * @param missingKeys    names the model has that the loaded map lacks
     * @param unexpectedKeys names in the loaded map the model does not have
     */
    record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        /**
         * Copies the lists.
         *
         * @param missingKeys names the model has that the loaded map lacks
         * @param unexpectedKeys names in the loaded map the model does not have
         */
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /**
     * Copies {@code state}'s tensors into the model's weights of the same name (PyTorch's
     * {@code load_state_dict}). With {@code strict}, a key missing on either side is an error; without it they are
     * skipped and reported. A shape that does not fit is always an error naming the key; types are converted. The model must be
     * built, so that its weights exist.
     *
     * @param state tensors by name, as {@link #stateDict()} gives them (from this model, another, or a file)
     * @param strict whether every key must match exactly
     * @return the keys that did not match (both lists empty when strict)
     * @throws IllegalArgumentException naming the first key whose shape differs, or the unmatched keys when strict
     */
    default LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (inputShape() == null && params().isEmpty()) {
            throw new IllegalStateException("loadStateDict: build the model first (model.build(inputShape)) so its weights exist");
        }
        Map<String, Tensor> mine = weights();
        List<String> missing = mine.keySet().stream().filter(k -> !state.containsKey(k)).toList();
        List<String> unexpected = state.keySet().stream().filter(k -> !mine.containsKey(k)).toList();
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("loadStateDict: missing keys " + missing + ", unexpected keys " + unexpected
                    + "; pass strict = false to load the keys that match");
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey()), dst = e.getValue();
            if (src == null) continue;
            if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
                throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' has shape " + java.util.Arrays.toString(src.shape())
                        + " in the state dict but " + java.util.Arrays.toString(dst.shape()) + " in the model");
            }
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) e.getValue().copyFrom(src);
        }
        return new LoadResult(missing, unexpected);
    }

    /**
     * The device the weights live on (PyTorch's {@code next(model.parameters()).device}).
     *
     * @return the first parameter's device; the CPU for a model without parameters
     */
    default dev.panamax.tensors.Device device() {
        List<Var> ps = params();
        return ps.isEmpty() ? dev.panamax.tensors.Device.CPU : ps.get(0).value().device();
    }

    /**
     * Moves every weight to {@code target}, as PyTorch's {@code model.to(device)}; returns this model. With the
     * CPU as the only device, moving to it does nothing.
     *
     * @param target the device
     * @return this model
     * @throws IllegalStateException when {@code target} has no backend in this build
     */
    default Model to(dev.panamax.tensors.Device target) {
        for (Var p : params()) p.value().to(target);
        for (Tensor t : weights().values()) t.to(target);
        return this;
    }

    /** {@return the number of trainable values} */
    default long paramCount() {
        return params().stream().mapToLong(p -> p.value().numel()).sum();
    }

    /** Frees the weights and layer state (batch-norm statistics…) that belong to no memory scope, and every gradient. */
    @Override
    default void close() {
        for (Var p : params()) {
            p.clearGrad();
            if (p.value().owner() == null) p.value().close();
        }
        for (Layer l : layers()) {
            for (Tensor b : l.buffers()) if (b.owner() == null && !b.isClosed()) b.close();
        }
    }
}
