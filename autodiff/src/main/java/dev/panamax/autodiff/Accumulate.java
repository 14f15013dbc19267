package dev.panamax.autodiff;

import dev.panamax.tensors.Tensor;

/**
 * {@code a + b} of two gradients of the same shape, recorded: how a pass that creates a graph adds the gradient
 * contributions of a value used twice. Here rather than in {@code op} so the engine needs nothing from there.
 */
final class Accumulate extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].add(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {g[0].reshape(g[0].shape()), g[0].reshape(g[0].shape())};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] inputs, Var[] outputs, Var[] g) {
        return new Var[] {g[0], g[0]};
    }

    static Var add(Var a, Var b) {
        return a == null ? b : new Accumulate().apply1(a, b);
    }
}
