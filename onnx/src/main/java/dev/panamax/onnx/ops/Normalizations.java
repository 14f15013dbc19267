package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Softmax, LogSoftmax, LayerNormalization and Gelu (each one fused kernel of the backend), and BatchNormalization in
 * inference mode.
 */
final class Normalizations {
    private Normalizations() {}

    static void register(Map<String, Operator> ops) {
        for (String name : new String[] {"Softmax", "LogSoftmax"}) {
            boolean log = name.equals("LogSoftmax");
            ops.put(name, (node, opset) -> {
                long axis = node.attributes().i("axis", opset < 13 ? 1 : -1);
                return in -> new Tensor[] {opset < 13 ? softmaxFlattened(in[0], axis, log) : softmax(in[0], Args.axis(name, axis, in[0].rank()), log)};
            });
        }
        ops.put("LayerNormalization", (node, opset) -> {
            Attributes a = node.attributes();
            long axis = a.i("axis", -1);
            double eps = a.f("epsilon", 1e-5f);
            if (a.i("stash_type", 1) != 1) throw new IllegalArgumentException(node.describe() + ": stash_type other than float32 is not supported");
            int outputs = node.outputs().size();
            return in -> layerNorm(in[0], in[1], in.length > 2 ? in[2] : null, Args.axis("LayerNormalization", axis, in[0].rank()), eps, outputs);
        });
        ops.put("BatchNormalization", (node, opset) -> {
            Attributes a = node.attributes();
            double eps = a.f("epsilon", 1e-5f);
            double momentum = a.f("momentum", 0.9f);  // updates the running statistics while training only
            a.ignore("is_test");   // opsets before 7
            if (a.i("spatial", 1) != 1) {
                throw new IllegalArgumentException(node.describe() + ": spatial=0 (statistics per pixel) is not supported");
            }
            if (a.i("training_mode", 0) != 0 && opset >= 14) return in -> batchNormTraining(in, eps, momentum);
            if (a.i("training_mode", 0) != 0 || node.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                throw new IllegalArgumentException(node.describe() + ": training mode (batch statistics, running-statistics outputs) is not"
                        + " supported; export the model in inference mode (PyTorch: model.eval())");
            }
            return in -> new Tensor[] {batchNorm(in[0], in[1], in[2], in[3], in[4], eps)};
        });
        ops.put("Gelu", (node, opset) -> {
            String approx = node.attributes().s("approximate", "none");
            if (!approx.equals("none") && !approx.equals("tanh")) {
                throw new IllegalArgumentException(node.describe() + ": approximate='" + approx + "' (expected none or tanh)");
            }
            boolean tanh = approx.equals("tanh");
            return in -> new Tensor[] {gelu(in[0], tanh)};
        });
    }

    static Tensor softmax(Tensor x, int axis, boolean log) {
        if (axis == x.rank() - 1 && !x.isContiguous()) {
            try (Tensor c = x.contiguous()) {
                return Backend.of(c).softmax(c, axis, log);
            }
        }
        return Backend.of(x).softmax(x, axis, log);
    }

    /** Opsets before 13: the input is seen as a matrix split at {@code axis}, normalised over its rows' whole width. */
    private static Tensor softmaxFlattened(Tensor x, long axis, boolean log) {
        int a = Args.axis("Softmax", axis, x.rank());
        long outer = 1;
        for (int i = 0; i < a; i++) outer *= x.dim(i);
        try (Tensor c = x.contiguous(); Tensor m = c.reshape(outer, x.numel() / Math.max(1, outer)); Tensor y = softmax(m, 1, log)) {
            return y.reshape(x.shape());
        }
    }

    static Tensor gelu(Tensor x, boolean tanh) {
        return Backend.of(x).gelu(x, tanh);
    }

    /**
     * Inference batch normalisation of {@code x (N, C, ...)} over axis 1: {@code (x − mean)/√(var + ε)·scale + bias}
     * folded into one scale and shift per channel, {@code x·a + b}, so {@code x} is read once.
     */
    /**
     * Training mode (opset 14 on): normalises with the batch's own mean and population variance per channel and
     * returns the running statistics moved towards them by {@code 1 - momentum}.
     */
    private static Tensor[] batchNormTraining(Tensor[] in, double eps, double momentum) {
        Tensor x = in[0];
        int[] axes = new int[x.rank() - 1];
        for (int i = 0; i < axes.length; i++) axes[i] = i == 0 ? 0 : i + 1;
        try (Tensor mean = x.mean(axes, false); Tensor var = x.var(axes, false, 0); Tensor rm = in[3].mul(momentum); Tensor nm = mean.mul(1 - momentum);
             Tensor rv = in[4].mul(momentum); Tensor nv = var.mul(1 - momentum)) {
            return new Tensor[] {batchNorm(x, in[1], in[2], mean, var, eps), rm.add(nm), rv.add(nv)};
        }
    }

    static Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, double eps) {
        if (x.rank() < 2) throw new IllegalArgumentException("input " + Arrays.toString(x.shape()) + " must be (N, C, ...)");
        long c = x.dim(1);
        for (Tensor p : new Tensor[] {scale, bias, mean, var}) {
            if (p.numel() != c) {
                throw new IllegalArgumentException("scale, B, mean and var must hold one value per channel (" + c + "), found shape "
                        + Arrays.toString(p.shape()));
            }
        }
        long[] perChannel = new long[x.rank() - 1];  // (C, 1, ...): broadcasts over (N, C, ...)
        Arrays.fill(perChannel, 1);
        perChannel[0] = c;
        try (Tensor v = var.reshape(c); Tensor ve = v.add(eps); Tensor sd = ve.sqrt(); Tensor s = scale.reshape(c); Tensor a = s.div(sd);
             Tensor m = mean.reshape(c); Tensor ma = m.mul(a); Tensor bi = bias.reshape(c); Tensor b = bi.sub(ma);
             Tensor ac = a.reshape(perChannel); Tensor bc = b.reshape(perChannel); Tensor xa = x.mul(ac)) {
            return xa.add(bc);
        }
    }

    /** LayerNorm over the axes from {@code axis} to the end (flattened into one), with the optional mean and 1/σ outputs. */
    static Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, int axis, double eps, int outputs) {
        long[] s = x.shape();
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        long inner = x.numel() / Math.max(1, outer);
        try (Tensor xc = x.contiguous(); Tensor x2 = xc.reshape(outer, inner); Tensor g = broadcastTo(gamma, s, axis, inner);
             Tensor b = beta == null ? Tensor.zeros(x.dtype(), inner) : broadcastTo(beta, s, axis, inner)) {
            Tensor[] r = Backend.of(x).layerNorm(x2, g, b, eps);
            try (Tensor y = r[0]; Tensor mean = r[1]; Tensor rstd = r[2]) {
                long[] statShape = s.clone();
                for (int i = axis; i < s.length; i++) statShape[i] = 1;
                Tensor[] out = new Tensor[Math.max(1, outputs)];
                out[0] = y.reshape(s);
                if (outputs > 1) out[1] = mean.reshape(statShape);
                if (outputs > 2) out[2] = rstd.reshape(statShape);
                return out;
            }
        }
    }

    /** A scale or bias (broadcastable to the normalised axes) as one row of {@code inner} values. */
    private static Tensor broadcastTo(Tensor p, long[] s, int axis, long inner) {
        if (p.numel() == inner) {
            try (Tensor c = p.contiguous()) {
                return c.reshape(inner);
            }
        }
        long[] target = Arrays.copyOfRange(s, axis, s.length);
        try (Tensor e = p.expand(target); Tensor c = e.contiguous()) {
            return c.reshape(inner);
        }
    }
}
