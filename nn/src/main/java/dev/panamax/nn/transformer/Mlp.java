package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Layer;
import dev.panamax.tensors.Rng;
import java.util.List;

/** A transformer block's MLP, {@code (T, C) → (T, 4C) → GELU → (T, C)}, with GPT-2's initialisation. */
final class Mlp extends Layer {
    private final double outputScale;
    private final boolean tanhGelu;

    Mlp(double outputScale, boolean tanhGelu) {
        super("mlp");
        this.outputScale = outputScale;
        this.tanhGelu = tanhGelu;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long c = in[in.length - 1];
        params.add(Var.param(GptInit.normal(rng, 0.02, c, 4 * c)));
        params.add(Var.param(GptInit.zeros(4 * c)));
        params.add(Var.param(GptInit.normal(rng, 0.02 * outputScale, 4 * c, c)));
        params.add(Var.param(GptInit.zeros(c)));
    }

    @Override
    public List<String> paramNames() {
        return List.of("fc_kernel", "fc_bias", "proj_kernel", "proj_bias");
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        Var h = F.biasGelu(F.matmul(x, params.get(0)), params.get(1), tanhGelu);  // (T, 4C), the biased sum never stored
        return F.biasAdd(F.matmul(h, params.get(2)), params.get(3));
    }

    @Override
    public String configJson() {
        return "{\"tanh_gelu\": " + tanhGelu + "}";
    }
}
