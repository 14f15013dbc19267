package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** Reordered dimensions; the gradient is permuted back by the inverse order. */
public final class Permute extends Function {
    private final int[] order;

    public Permute(int... order) {
        this.order = order.clone();
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].permute(order)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        int r = order.length;
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[order[i] < 0 ? order[i] + r : order[i]] = i;
        return new Tensor[] {g[0].permute(inverse)};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        int r = order.length;
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[order[i] < 0 ? order[i] + r : order[i]] = i;
        return new Var[] {new Permute(inverse).apply1(g[0])};
    }
}
