package dev.panamax.nn.optim;

import dev.panamax.autodiff.Var;
import java.util.List;

/**
 * Parameters that an {@link Optimizer} updates with their own learning rate and weight decay, as PyTorch's
 * {@code param_groups}: for example a pretrained backbone at a tenth of the head's rate, or biases without decay.
 * A setting left out is the optimizer's own. Add groups with {@link Optimizer#addParamGroup}.
 *
 * <pre>{@code
 * Adam opt = Adam.adamW(1e-3, 0.01);
 * opt.addParamGroup(ParamGroup.of(backbone.params()).learningRate(1e-4));
 * opt.addParamGroup(ParamGroup.of(biases).weightDecay(0));
 * }</pre>
 *
 * @param params the parameters of the group
 * @param learningRate the group's learning rate, or NaN for the optimizer's; a schedule scales it in proportion
 * @param weightDecay the group's weight decay, or NaN for the optimizer's
 */
public record ParamGroup(List<Var> params, double learningRate, double weightDecay) {
    /**
     * Checks the settings.
     *
     * @param params the parameters of the group
     * @param learningRate the group's learning rate, or NaN for the optimizer's
     * @param weightDecay the group's weight decay, or NaN for the optimizer's
     */
    public ParamGroup {
        params = List.copyOf(params);
        if (!Double.isNaN(learningRate) && !(learningRate > 0)) {
            throw new IllegalArgumentException("ParamGroup: learning rate must be positive, got " + learningRate);
        }
        if (!Double.isNaN(weightDecay) && !(weightDecay >= 0)) {
            throw new IllegalArgumentException("ParamGroup: weight decay must be zero or positive, got " + weightDecay);
        }
    }

    /**
     * A group of {@code params} with the optimizer's settings, to be refined with {@link #learningRate(double)} and
     * {@link #weightDecay(double)}.
     *
     * @param params the parameters of the group
     * @return the group
     */
    public static ParamGroup of(List<Var> params) {
        return new ParamGroup(params, Double.NaN, Double.NaN);
    }

    /**
     * This group with its own learning rate.
     *
     * @param lr the learning rate (positive)
     * @return a new group
     */
    public ParamGroup learningRate(double lr) {
        return new ParamGroup(params, lr, weightDecay);
    }

    /**
     * This group with its own weight decay (0 turns decay off for it).
     *
     * @param decay the weight decay (zero or positive)
     * @return a new group
     */
    public ParamGroup weightDecay(double decay) {
        return new ParamGroup(params, learningRate, decay);
    }
}
