package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.nn.loss.Loss;
import java.util.List;

/**
 * A final softmax Dense trains on its logits with the loss's {@link Loss#onLogits()} form, as Keras does: the
 * output is still the softmax, but the loss skips the clipping of probabilities, which would silence the
 * gradient of an example whose true class has probability below the clip.
 */
final class SoftmaxIntoLoss implements FusionRule {
    @Override
    public Rewrite match(List<Layer> layers, int at, Loss loss) {
        if (loss == null || at != layers.size() - 1 || !(layers.get(at) instanceof Dense dense) || !dense.activation().equals("softmax")) {
            return null;
        }
        Loss onLogits = loss.onLogits();
        if (onLogits == null) return null;
        return new Tail((h, target, training, rng) -> {
            Var logits = dense.logits(h);
            return new OutputAndLoss(F.softmax(logits, -1), onLogits.compute(logits, target));
        }, 1);
    }
}
