package com.example.panamax;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/**
 * A custom op: Swish with a learnable β, {@code y = x · sigmoid(β·x)}, β of shape (1) broadcast over x. Forward
 * and backward side by side, as Panamax's own ops are written.
 */
final class Swish extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], beta = in[1];
        Tensor s = x.mul(beta).sigmoid();
        ctx.save(x, beta, s);
        return new Tensor[] {x.mul(s)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... gradOut) {
        Tensor x = ctx.saved(0), beta = ctx.saved(1), s = ctx.saved(2), g = gradOut[0];
        Tensor ds = s.mul(s.neg().add(1)); // sigmoid' = s(1 - s)
        Tensor dx = ctx.needsInputGrad(0) ? g.mul(s.add(x.mul(beta).mul(ds))) : null;
        // β was broadcast over every element of x: its gradient is the sum over all of them, shaped like β.
        Tensor dBeta = ctx.needsInputGrad(1) ? g.mul(x.square().mul(ds)).sum().reshape(beta.shape()) : null;
        return new Tensor[] {dx, dBeta};
    }
}
