package dev.panamax.autodiff;

import dev.panamax.tensors.Tensor;

/**
 * The in-place ops behind {@link Var#addInPlace} and its siblings: each writes into its first input's tensor (which
 * bumps that tensor's version, so an op that saved it refuses to backpropagate from the changed numbers) and
 * returns that same tensor as its output. Whatever backward needs of the old value is kept before it is
 * overwritten.
 */
final class InPlace {
    private InPlace() {}

    /** {@code x += y} ({@code y} broadcast to x): dx = g, dy = g summed to y's shape. */
    static final class AddInPlace extends Function {
        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            return new Tensor[] {in[0].addInPlace(in[1])};
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            return new Tensor[] {ctx.needsInputGrad(0) ? g[0].reshape(g[0].shape()) : null,
                                 ctx.needsInputGrad(1) ? ctx.sumToInput(g[0], 1) : null};
        }
    }

    /** {@code x *= y}: dx = g·y, dy = g·x_old summed to y's shape (x_old kept as a copy only when y needs it). */
    static final class MulInPlace extends Function {
        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            if (ctx.needsInputGrad(0)) ctx.save(in[1]);
            if (ctx.needsInputGrad(1)) {
                try (Tensor old = in[0].copy()) {
                    ctx.save(old);
                }
            }
            try (Tensor product = in[0].mul(in[1])) {
                return new Tensor[] {in[0].copyFrom(product)};
            }
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            Tensor dx = null, dy = null;
            int next = 0;
            if (ctx.needsInputGrad(0)) dx = g[0].mul(ctx.saved(next++));
            if (ctx.needsInputGrad(1)) {
                try (Tensor t = g[0].mul(ctx.saved(next))) {
                    dy = ctx.sumToInput(t, 1);
                }
            }
            return new Tensor[] {dx, dy};
        }
    }

    /** {@code x = x·s + c} for constants: dx = g·s. */
    static final class AffineInPlace extends Function {
        private final double scale, shift;

        AffineInPlace(double scale, double shift) {
            this.scale = scale;
            this.shift = shift;
        }

        @Override
        public String name() {
            return scale == 1 ? "AddInPlace" : "MulInPlace";
        }

        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            if (scale != 1) in[0].mulInPlace(scale);
            if (shift != 0 || scale == 1) {
                try (Tensor c = Tensor.scalar(shift, in[0].dtype())) {
                    in[0].addInPlace(c);
                }
            }
            return new Tensor[] {in[0]};
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            return new Tensor[] {scale == 1 ? g[0].reshape(g[0].shape()) : g[0].mul(scale)};
        }
    }

    /** {@code x = clamp(x, lo, hi)}: dx = g where lo ≤ x_old ≤ hi, else 0 (the mask is kept, not x_old). */
    static final class ClampInPlace extends Function {
        private final double lo, hi;

        ClampInPlace(double lo, double hi) {
            if (!(lo <= hi)) throw new IllegalArgumentException("clampInPlace: lo must be at most hi, got " + lo + " > " + hi);
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            try (Tensor clamped = in[0].clamp(lo, hi)) {
                if (ctx.needsInputGrad(0)) {
                    try (Tensor inside = clamped.eq(in[0]); Tensor mask = inside.to(in[0].dtype())) {
                        ctx.save(mask);
                    }
                }
                return new Tensor[] {in[0].copyFrom(clamped)};
            }
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            return new Tensor[] {g[0].mul(ctx.saved(0))};
        }
    }
}
