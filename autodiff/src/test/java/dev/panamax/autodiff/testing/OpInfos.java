package dev.panamax.autodiff.testing;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.op.RmsNorm;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The OpInfo table: every differentiable op with its samples, reference and tolerances. It drives the op
 * tests (reference, float64 gradcheck, PyTorch fixtures, leak check) and the {@code OpBench} benchmark line;
 * a primitive without a record fails the coverage test.
 */
public final class OpInfos {
    private OpInfos() {}

    /** Finite differences in F64. */
    static final OpInfo.Tolerance F64 = new OpInfo.Tolerance(1e-6, 1e-5);
    /** F32 kernels against the F64 reference: float rounding over sums of a few dozen terms. */
    static final OpInfo.Tolerance F32 = new OpInfo.Tolerance(1e-5, 1e-4);

    static Tensor r(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -2, 2, DType.F64, shape);
    }

    /** Values in [0.5, 2.5): safe for log, sqrt, division and fractional powers. */
    static Tensor pos(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), 0.5, 2.5, DType.F64, shape);
    }

    /** A non-contiguous (rows × cols) view: the transpose of a contiguous (cols × rows) tensor. */
    static Tensor nc(long seed, long rows, long cols) {
        return r(seed, cols, rows).t();
    }

    /** Values kept at least 0.05 away from {@code at}, so kinks (relu, abs, clamp) stay out of the difference. */
    static Tensor awayFrom(Tensor t, double... at) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            for (double a : at) if (Math.abs(v[i] - a) < 0.05) v[i] = a + (v[i] >= a ? 0.05 : -0.05);
        }
        Tensor c = Tensor.of(v, t.shape());
        t.close();
        return c;
    }

    static List<Tensor[]> one(Tensor... in) {
        List<Tensor[]> l = new ArrayList<>();
        l.add(in);
        return l;
    }

    /** Broadcast, non-contiguous and size-1 pairs for binary elementwise ops. */
    static Supplier<List<Tensor[]>> binarySamples(boolean positiveRight) {
        return () -> {
            Function<long[], Tensor> right = s -> positiveRight ? pos(7, s) : r(7, s);
            List<Tensor[]> l = new ArrayList<>();
            l.add(new Tensor[] {r(1, 3, 4), right.apply(new long[] {3, 4})});
            l.add(new Tensor[] {r(2, 3, 4), right.apply(new long[] {4})});
            l.add(new Tensor[] {r(3, 2, 1, 3), right.apply(new long[] {1, 4, 1})});
            l.add(new Tensor[] {nc(4, 3, 5), right.apply(new long[] {3, 1})});
            l.add(new Tensor[] {r(5, 1), right.apply(new long[] {1})});
            return l;
        };
    }

    static Supplier<List<Tensor[]>> unarySamples(Function<Tensor, Tensor> prep) {
        return () -> List.of(new Tensor[] {prep.apply(r(11, 3, 5))}, new Tensor[] {prep.apply(nc(12, 4, 3))},
                new Tensor[] {prep.apply(r(13, 1))}, new Tensor[] {prep.apply(r(14, 2, 1, 3))});
    }

    /** (input, bias over its last axis) pairs: plain, 3-D, non-contiguous, size 1; sums kept off ReLU's kink. */
    static Supplier<List<Tensor[]>> biasSamples(boolean offKink) {
        return () -> {
            List<Tensor[]> l = new ArrayList<>();
            long[][] shapes = {{3, 4}, {2, 3, 5}, {1, 1}};
            for (int i = 0; i < shapes.length; i++) l.add(biasPair(r(21 + i, shapes[i]), offKink));
            l.add(biasPair(nc(24, 3, 5), offKink));
            return l;
        };
    }

    private static Tensor[] biasPair(Tensor x, boolean offKink) {
        Tensor b = r(31, x.dim(x.rank() - 1));
        if (!offKink) return new Tensor[] {x, b};
        Tensor shifted = awayFrom(x.add(b), 0).sub(b);
        // Keep the sample's layout: a non-contiguous input stays a transposed view (temporaries die with the test's scope).
        return new Tensor[] {x.isContiguous() ? shifted : shifted.t().contiguous().t(), b};
    }

    static OpInfo info(String name, Function<Var[], Var> fn, Supplier<List<Tensor[]>> samples, Function<Tensor[], Tensor> reference) {
        return new OpInfo(name, fn, samples, reference, F64, F32);
    }

    /**
     * {@return a record for each differentiable op and mode in {@code F}, with samples and references (fresh each
     * call)}
     */
    public static List<OpInfo> all() {
        List<OpInfo> l = new ArrayList<>();
        Function<Tensor, Tensor> same = t -> t;
        l.add(info("add", v -> F.add(v[0], v[1]), binarySamples(false), t -> t[0].add(t[1])));
        l.add(info("sub", v -> F.sub(v[0], v[1]), binarySamples(false), t -> t[0].sub(t[1])));
        l.add(info("mul", v -> F.mul(v[0], v[1]), binarySamples(false), t -> t[0].mul(t[1])));
        l.add(info("div", v -> F.div(v[0], v[1]), binarySamples(true), t -> t[0].div(t[1])));
        l.add(info("pow", v -> F.pow(v[0], v[1]),
                () -> List.of(new Tensor[] {pos(1, 3, 4), r(2, 3, 4)}, new Tensor[] {pos(3, 2, 3), r(4, 3)}), t -> t[0].pow(t[1])));
        l.add(info("neg", v -> F.neg(v[0]), unarySamples(same), t -> t[0].neg()));
        l.add(info("exp", v -> F.exp(v[0]), unarySamples(same), t -> t[0].exp()));
        l.add(info("log", v -> F.log(v[0]), unarySamples(t -> t.abs().add(0.5)), t -> t[0].log()));
        l.add(info("sqrt", v -> F.sqrt(v[0]), unarySamples(t -> t.abs().add(0.5)), t -> t[0].sqrt()));
        l.add(info("abs", v -> F.abs(v[0]), unarySamples(t -> awayFrom(t, 0)), t -> t[0].abs()));
        l.add(info("clamp", v -> F.clamp(v[0], -1, 0.5), unarySamples(t -> awayFrom(t, -1, 0.5)), t -> t[0].clamp(-1, 0.5)));
        l.add(info("where", v -> {
            try (Tensor c = v[0].value().gt(0)) {
                return F.where(c, v[0], v[1]);
            }
        }, binarySamples(false), t -> Tensor.where(t[0].gt(0), t[0], t[1])));
        l.add(info("sigmoid", v -> F.sigmoid(v[0]), unarySamples(same), t -> t[0].sigmoid()));
        l.add(info("tanh", v -> F.tanh(v[0]), unarySamples(same), t -> t[0].tanh()));
        l.add(info("relu", v -> F.relu(v[0]), unarySamples(t -> awayFrom(t, 0)), t -> t[0].relu()));
        l.add(info("bias_relu", v -> F.biasRelu(v[0], v[1]), biasSamples(true),
                t -> t[0].add(t[1]).relu()));
        l.add(info("bias_add", v -> F.biasAdd(v[0], v[1]), biasSamples(false),
                t -> t[0].add(t[1])));
        // Unary samples plus 111 values, so the F32 check reaches the vector body at any vector width.
        Supplier<List<Tensor[]>> geluSamples = () -> {
            List<Tensor[]> g = new ArrayList<>(unarySamples(same).get());
            g.add(new Tensor[] {r(15, 3, 37)});
            return g;
        };
        l.add(info("gelu", v -> F.gelu(v[0]), geluSamples, null));
        l.add(info("gelu tanh", v -> F.geluTanh(v[0]), geluSamples, t -> {  // x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2
            try (Tensor x3 = t[0].mul(t[0]).mul(t[0]); Tensor u = t[0].add(x3.mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
                 Tensor th = u.tanh(); Tensor h = th.add(1.0)) {
                return t[0].mul(h).mul(0.5);
            }
        }));
        // (x, bias) pairs from biasSamples and a 37-wide one (vector bodies and a tail at any width).
        Supplier<List<Tensor[]>> biasGeluSamples = () -> {
            List<Tensor[]> g = new ArrayList<>(biasSamples(false).get());
            g.add(new Tensor[] {r(16, 3, 37), r(17, 37)});
            return g;
        };
        l.add(info("bias gelu", v -> F.biasGelu(v[0], v[1], false), biasGeluSamples, null));
        l.add(info("bias gelu tanh", v -> F.biasGelu(v[0], v[1], true), biasGeluSamples, t -> {
            try (Tensor h = t[0].add(t[1]); Tensor h3 = h.mul(h).mul(h); Tensor u = h.add(h3.mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
                 Tensor th = u.tanh(); Tensor s = th.add(1.0)) {
                return h.mul(s).mul(0.5);
            }
        }));
        l.add(info("leaky_relu", v -> F.leakyRelu(v[0], 0.1), unarySamples(t -> awayFrom(t, 0)), null));
        l.add(info("elu", v -> F.elu(v[0], 1.0), unarySamples(t -> awayFrom(t, 0)), null));
        l.add(info("silu", v -> F.silu(v[0]), unarySamples(same), t -> t[0].mul(t[0].sigmoid())));
        l.add(info("softmax", v -> F.softmax(v[0], -1), unarySamples(same), null));
        l.add(info("log_softmax axis 0", v -> F.logSoftmax(v[0], 0), unarySamples(same), null));
        l.add(info("sum all", v -> F.sum(v[0]), unarySamples(same), t -> t[0].sum()));
        l.add(info("sum axes keepdim", v -> F.sum(v[0], new int[] {-1}, true), unarySamples(same), t -> t[0].sum(new int[] {-1}, true)));
        l.add(info("mean", v -> F.mean(v[0], new int[] {0}, false), unarySamples(same), t -> t[0].mean(0)));
        l.add(info("max", v -> F.max(v[0], new int[] {-1}, false), unarySamples(same), t -> t[0].max(-1)));
        l.add(info("var", v -> F.var(v[0], new int[] {0}, false, 1), () -> List.of(new Tensor[] {r(1, 4, 3)}, new Tensor[] {nc(2, 5, 2)}),
                t -> t[0].var(new int[] {0}, false)));
        l.add(info("logsumexp", v -> F.logSumExp(v[0], new int[] {-1}, false), unarySamples(same), null));
        l.add(info("matmul", v -> F.matmul(v[0], v[1]), () -> List.of(
                new Tensor[] {r(1, 3, 4), r(2, 4, 5)}, new Tensor[] {nc(3, 3, 4), nc(4, 4, 2)},
                new Tensor[] {r(5, 2, 3, 4), r(6, 4, 2)}, new Tensor[] {r(7, 2, 1, 1, 3), r(8, 1, 3, 3, 2)}), t -> t[0].matmul(t[1])));
        l.add(info("reshape", v -> F.reshape(v[0], -1, 3), () -> List.of(new Tensor[] {r(1, 2, 3)}, new Tensor[] {nc(2, 3, 2)}), null));
        l.add(info("permute", v -> F.permute(v[0], 2, 0, 1), () -> one(r(1, 2, 3, 4)), null));
        l.add(info("slice", v -> F.slice(v[0], 1, 1, 5, 2), () -> List.of(new Tensor[] {r(1, 2, 6)}, new Tensor[] {nc(2, 3, 5)}), null));
        l.add(info("expand", v -> F.expand(v[0], 4, 3, 2), () -> List.of(new Tensor[] {r(1, 3, 1)}, new Tensor[] {r(2, 2)}), null));
        l.add(info("concat", v -> F.concat(1, v[0], v[1]), () -> one(r(1, 2, 3), nc(2, 2, 2)), null));
        l.add(info("stack", v -> F.stack(0, v[0], v[1]), () -> one(r(1, 2, 3), r(2, 2, 3)), null));
        l.add(info("index_select", v -> F.indexSelect(v[0], 0, Tensor.of(new long[] {2, 0, 2}, 3)),
                () -> one(r(1, 3, 4)), null));
        l.add(info("gather", v -> F.gather(v[0], 1, Tensor.of(new long[] {3, 0, 0, 1, 2, 2}, 3, 2)),
                () -> one(r(1, 3, 4)), t -> t[0].gather(1, Tensor.of(new long[] {3, 0, 0, 1, 2, 2}, 3, 2))));
        l.add(info("embedding", v -> F.embedding(v[0], Tensor.of(new int[] {1, 1, 0, 3}, 2, 2)),
                () -> one(r(1, 4, 3)), null));
        l.add(info("cross_entropy_logits", v -> F.crossEntropyFromLogits(v[0], Tensor.of(new long[] {2, 0, 1}, 3)),
                () -> List.of(new Tensor[] {r(1, 3, 4)}, new Tensor[] {nc(2, 3, 4)}), null));
        l.add(info("cross_entropy_onehot", v -> F.crossEntropyFromLogitsOneHot(v[0], Tensor.of(new long[] {2, 0, 1}, 3).oneHot(4).to(v[0].value().dtype())),
                () -> one(r(1, 3, 4)), null));
        l.add(info("cross_entropy_probs", v -> F.crossEntropyFromProbs(F.softmax(v[0], 1), Tensor.of(new long[] {2, 0, 1}, 3), 1e-7),
                () -> one(r(1, 3, 4)), null));
        l.add(info("binary_cross_entropy", v -> F.binaryCrossEntropy(F.sigmoid(v[0]), Var.of(Tensor.of(new double[] {1, 0, 1, 0.3}, 2, 2).to(v[0].value().dtype())), 1e-7),
                () -> one(r(1, 2, 2)), null));
        l.add(info("mse", v -> F.mse(v[0], v[1]), binarySamples(false), null));
        l.add(info("mae", v -> F.mae(v[0], v[1]), () -> one(r(1, 3, 4), awayFrom(r(1, 3, 4).add(0.5), 0)), null));
        l.add(info("huber", v -> F.huber(v[0], v[1], 1.0), () -> one(r(1, 3, 4), r(2, 3, 4)), null));
        l.add(info("l1", v -> F.l1(v[0]), unarySamples(t -> awayFrom(t, 0)), null));
        l.add(info("l2", v -> F.l2(v[0]), unarySamples(same), null));
        l.add(info("rms_norm", v -> RmsNorm.rmsNorm(v[0], v[1], 1e-5), () -> List.of(new Tensor[] {r(41, 3, 5), r(42, 5)},
                new Tensor[] {nc(43, 4, 3), r(44, 3)}, new Tensor[] {r(45, 2, 3, 17), r(46, 17)}, new Tensor[] {r(47, 1, 1), r(48, 1)}),
                t -> {  // x / sqrt(mean(x²) + eps) · w, from tensor ops
                    try (Tensor sq = t[0].mul(t[0]); Tensor ms = sq.mean(new int[] {-1}, true); Tensor d = ms.add(1e-5);
                         Tensor rms = d.sqrt(); Tensor n = t[0].div(rms)) {
                        return n.mul(t[1]);
                    }
                }));
        l.add(info("layer_norm", v -> F.layerNorm(v[0], 1, v[1], v[2], 1e-5), () -> List.of(new Tensor[] {r(1, 3, 5), r(2, 5), r(3, 5)},
                new Tensor[] {nc(4, 4, 3), r(5, 3), r(6, 3)}, new Tensor[] {r(7, 2, 3, 37), r(8, 37), r(9, 37)},
                new Tensor[] {r(10, 2, 1), r(11, 1), r(12, 1)}), t -> {  // (x - mean)/sqrt(var + eps)·γ + β from tensor ops
                    try (Tensor mu = t[0].mean(new int[] {-1}, true); Tensor d = t[0].sub(mu); Tensor sq = d.mul(d);
                         Tensor v = sq.mean(new int[] {-1}, true); Tensor s = v.add(1e-5).sqrt(); Tensor xhat = d.div(s)) {
                        return xhat.mul(t[1]).add(t[2]);
                    }
                }));
        l.add(info("rope", v -> F.rope(v[0], 3, 10000), () -> List.of(new Tensor[] {r(16, 2, 5, 8)}, new Tensor[] {r(17, 1, 2, 3, 6)}),
                null));
        l.add(info("layer_norm over two axes", v -> F.layerNorm(v[0], 2, v[1], v[2], 1e-5),
                () -> one(r(13, 2, 3, 4), r(14, 3, 4), r(15, 3, 4)), null));
        l.add(info("batch_norm", v -> F.batchNorm(v[0], v[1], v[2], Tensor.zeros(DType.F64, 3), Tensor.ones(DType.F64, 3), true, 0.99, 1e-3),
                () -> one(r(1, 4, 2, 3), r(2, 3), r(3, 3)), null));
        int[] one1 = {1, 1}, strided = {2, 1}, dilated = {1, 2};
        Padding valid = Padding.VALID, samePad = Padding.SAME;
        // Five images: split between the threads, so the per-thread weight-gradient sums are exercised.
        l.add(info("conv2d valid", v -> F.conv2d(v[0], v[1], one1, one1, valid),
                () -> List.of(new Tensor[] {r(1, 2, 5, 4, 3), r(2, 3, 2, 3, 2)}, new Tensor[] {r(3, 5, 4, 4, 2), r(4, 2, 2, 2, 3)}),
                in -> F.conv2dComposite(Var.of(in[0]), Var.of(in[1]), one1, one1, valid).value()));
        l.add(info("conv2d same, strided, dilated", v -> F.conv2d(v[0], v[1], strided, dilated, samePad),
                () -> one(r(1, 3, 5, 6, 2), r(2, 2, 2, 2, 3)),
                in -> F.conv2dComposite(Var.of(in[0]), Var.of(in[1]), strided, dilated, samePad).value()));
        l.add(info("conv2d bias relu", v -> F.conv2dBiasAct(v[0], v[1], v[2], one1, one1, valid, true),
                () -> one(r(1, 3, 5, 4, 3), r(2, 3, 2, 3, 2), r(3, 2)),
                in -> F.biasRelu(F.conv2dComposite(Var.of(in[0]), Var.of(in[1]), one1, one1, valid), Var.of(in[2])).value()));
        int[] two = {2, 2};
        l.add(info("conv2d max_pool2d", v -> F.conv2dMaxPool(v[0], v[1], one1, one1, valid, two, two, valid),
                () -> one(r(1, 3, 6, 5, 3), r(2, 3, 2, 3, 2)),
                in -> F.maxPool2d(F.conv2dComposite(Var.of(in[0]), Var.of(in[1]), one1, one1, valid), new int[] {2, 2}, new int[] {2, 2}).value()));
        l.add(info("max_pool2d", v -> F.maxPool2d(v[0], new int[] {2, 2}, new int[] {2, 2}),
                () -> one(r(1, 2, 4, 5, 3)), null));
        l.add(info("max_pool2d composite", v -> F.maxPool2dComposite(v[0], new int[] {2, 2}, new int[] {2, 2},
                Padding.VALID), () -> one(r(1, 2, 4, 5, 3)), null));
        l.add(info("avg_pool2d", v -> F.avgPool2d(v[0], new int[] {2, 2}, new int[] {1, 2}), () -> one(r(1, 2, 3, 4, 2)), null));
        l.add(info("max_pool2d same", v -> F.maxPool2d(v[0], new int[] {3, 3}, new int[] {2, 2}, Padding.SAME),
                () -> one(r(1, 1, 5, 4, 2)), null));
        l.add(info("avg_pool2d same", v -> F.avgPool2d(v[0], new int[] {2, 2}, new int[] {2, 2}, Padding.SAME),
                () -> one(r(1, 2, 5, 3, 2)), null));
        l.add(info("squeeze/unsqueeze", v -> F.squeeze(F.unsqueeze(v[0], 1), 0), () -> one(r(1, 1, 4)), null));
        l.add(info("batch_norm inference", v -> F.batchNorm(v[0], v[1], v[2], Tensor.full(v[0].value().dtype(), 0.5, 3), Tensor.full(v[0].value().dtype(), 2, 3),
                false, 0.99, 1e-3), () -> one(r(1, 4, 3), r(2, 3), r(3, 3)), null));
        l.add(info("dropout (fixed seed)", v -> F.dropout(v[0], 0.3, true, new Rng(5)), unarySamples(same), null));
        AttentionOpInfos.addTo(l);
        RnnOpInfos.addTo(l);
        ConvTransposeOpInfos.addTo(l);
        return l;
    }
}
