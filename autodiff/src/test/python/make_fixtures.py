#!/usr/bin/python3
"""Reference values from PyTorch for Panamax's autodiff tests.

For every op: float64 inputs, the output, and the gradient of sum(output * weights) with respect to every
input, written as one .npz per op (numpy's format; Panamax reads it without Python). For two small networks
(an MLP and a small NHWC CNN), one Adam training step: initial weights, the batch, the loss, every gradient
and the weights after the step. Names and constants mirror OpInfos.java. Layout: Panamax is NHWC with
(KH, KW, C, F) kernels; PyTorch is NCHW with (F, C, KH, KW), so data is permuted on the way in and out.

Also the headline model's training step for the nn module (nn/src/test/resources/fixtures).

Run with Debian's PyTorch 1.13:  /usr/bin/python3 autodiff/src/test/python/make_fixtures.py
CI does not need PyTorch: the generated files are committed under autodiff/src/test/resources/fixtures.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")
torch.manual_seed(0)
rng = np.random.default_rng(2026)


def r(*shape):
    return rng.uniform(-2, 2, size=shape)


def pos(*shape):
    return rng.uniform(0.5, 2.5, size=shape)


def away(a, *points):
    a = a.copy()
    for p in points:
        close = np.abs(a - p) < 0.05
        a[close] = p + np.where(a[close] >= p, 0.05, -0.05)
    return a


def nhwc_conv(x, w, stride, dilation, padding):
    xt = x.permute(0, 3, 1, 2)
    wt = w.permute(3, 2, 0, 1)
    if padding == "same":
        kh, kw = w.shape[0], w.shape[1]
        eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
        h, wd = x.shape[1], x.shape[2]
        oh, ow = -(-h // stride[0]), -(-wd // stride[1])
        ph = max((oh - 1) * stride[0] + eh - h, 0)
        pw = max((ow - 1) * stride[1] + ew - wd, 0)
        xt = F.pad(xt, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
    y = F.conv2d(xt, wt, stride=stride, dilation=dilation)
    return y.permute(0, 2, 3, 1)


def ce_labels(n):
    return torch.tensor([2, 0, 1][:n])


OPS = {
    "add": (lambda a, b: a + b, lambda: [r(3, 4), r(4)]),
    "sub": (lambda a, b: a - b, lambda: [r(2, 1, 3), r(1, 4, 1)]),
    "mul": (lambda a, b: a * b, lambda: [r(3, 4), r(3, 1)]),
    "div": (lambda a, b: a / b, lambda: [r(3, 4), pos(4)]),
    "pow": (lambda a, b: a ** b, lambda: [pos(3, 4), r(3, 4)]),
    "neg": (torch.neg, lambda: [r(3, 5)]),
    "exp": (torch.exp, lambda: [r(3, 5)]),
    "log": (torch.log, lambda: [pos(3, 5)]),
    "sqrt": (torch.sqrt, lambda: [pos(3, 5)]),
    "abs": (torch.abs, lambda: [away(r(3, 5), 0)]),
    "clamp": (lambda a: torch.clamp(a, -1, 0.5), lambda: [away(r(3, 5), -1, 0.5)]),
    "where": (lambda a, b: torch.where(a > 0, a, b), lambda: [r(3, 4), r(4)]),
    "sigmoid": (torch.sigmoid, lambda: [r(3, 5)]),
    "tanh": (torch.tanh, lambda: [r(3, 5)]),
    "relu": (torch.relu, lambda: [away(r(3, 5), 0)]),
    "bias_relu": (lambda a, b: torch.relu(a + b), lambda: [r(2, 3, 5), r(5)]),
    "bias_add": (lambda a, b: a + b, lambda: [r(2, 3, 5), r(5)]),
    "gelu": (F.gelu, lambda: [r(3, 5)]),
    "leaky_relu": (lambda a: F.leaky_relu(a, 0.1), lambda: [away(r(3, 5), 0)]),
    "elu": (lambda a: F.elu(a, 1.0), lambda: [away(r(3, 5), 0)]),
    "silu": (F.silu, lambda: [r(3, 5)]),
    "softmax": (lambda a: torch.softmax(a, -1), lambda: [r(3, 5)]),
    "log_softmax axis 0": (lambda a: torch.log_softmax(a, 0), lambda: [r(3, 5)]),
    "sum all": (torch.sum, lambda: [r(3, 5)]),
    "sum axes keepdim": (lambda a: a.sum(-1, keepdim=True), lambda: [r(3, 5)]),
    "mean": (lambda a: a.mean(0), lambda: [r(3, 5)]),
    "max": (lambda a: torch.amax(a, -1), lambda: [r(3, 5)]),
    "var": (lambda a: a.var(0, unbiased=True), lambda: [r(4, 3)]),
    "logsumexp": (lambda a: torch.logsumexp(a, -1), lambda: [r(3, 5)]),
    "matmul": (torch.matmul, lambda: [r(2, 3, 4), r(4, 2)]),
    "reshape": (lambda a: a.reshape(-1, 3), lambda: [r(2, 3)]),
    "permute": (lambda a: a.permute(2, 0, 1), lambda: [r(2, 3, 4)]),
    "slice": (lambda a: a[:, 1:5:2], lambda: [r(2, 6)]),
    "expand": (lambda a: a.expand(4, 3, 2), lambda: [r(3, 1)]),
    "concat": (lambda a, b: torch.cat([a, b], 1), lambda: [r(2, 3), r(2, 2)]),
    "stack": (lambda a, b: torch.stack([a, b], 0), lambda: [r(2, 3), r(2, 3)]),
    "index_select": (lambda a: torch.index_select(a, 0, torch.tensor([2, 0, 2])), lambda: [r(3, 4)]),
    "gather": (lambda a: torch.gather(a, 1, torch.tensor([[3, 0], [0, 1], [2, 2]])), lambda: [r(3, 4)]),
    "embedding": (lambda a: F.embedding(torch.tensor([[1, 1], [0, 3]]), a), lambda: [r(4, 3)]),
    "cross_entropy_logits": (lambda a: F.cross_entropy(a, ce_labels(3)), lambda: [r(3, 4)]),
    "cross_entropy_onehot": (lambda a: -(F.one_hot(ce_labels(3), 4).double() * torch.log_softmax(a, 1)).sum() / 3, lambda: [r(3, 4)]),
    "cross_entropy_probs": (lambda a: F.nll_loss(torch.log(torch.clamp(torch.softmax(a, 1), 1e-7, 1 - 1e-7)), ce_labels(3)), lambda: [r(3, 4)]),
    "binary_cross_entropy": (lambda a: F.binary_cross_entropy(torch.sigmoid(a), torch.tensor([[1, 0], [1, 0.3]], dtype=torch.float64)), lambda: [r(2, 2)]),
    "mse": (F.mse_loss, lambda: [r(3, 4), r(3, 4)]),
    "mae": (F.l1_loss, lambda: [r(3, 4), r(3, 4) + 3]),
    "huber": (lambda a, b: F.huber_loss(a, b, delta=1.0), lambda: [r(3, 4), r(3, 4)]),
    "l1": (lambda a: a.abs().sum(), lambda: [away(r(3, 5), 0)]),
    "l2": (lambda a: (a * a).sum(), lambda: [r(3, 5)]),
    "layer_norm": (lambda x, g, b: F.layer_norm(x, (5,), g, b, 1e-5), lambda: [r(3, 5), r(5), r(5)]),
    "batch_norm": (lambda x, g, b: F.batch_norm(x.reshape(-1, 3), None, None, g, b, training=True, eps=1e-3).reshape(x.shape),
                   lambda: [r(4, 2, 3), r(3), r(3)]),
    "conv2d valid": (lambda x, w: nhwc_conv(x, w, (1, 1), (1, 1), "valid"), lambda: [r(2, 5, 4, 3), r(3, 2, 3, 2)]),
    "conv2d same, strided, dilated": (lambda x, w: nhwc_conv(x, w, (2, 1), (1, 2), "same"), lambda: [r(1, 5, 6, 2), r(2, 2, 2, 3)]),
    "max_pool2d": (lambda x: F.max_pool2d(x.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1), lambda: [r(2, 4, 5, 3)]),
    "max_pool2d composite": (lambda x: F.max_pool2d(x.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1), lambda: [r(2, 4, 5, 3)]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x.permute(0, 3, 1, 2), 2, (1, 2)).permute(0, 2, 3, 1), lambda: [r(2, 3, 4, 2)]),
    # Keras 'same' for a 5x4 input, 3x3 window, stride 2: pad 1 top, 1 bottom, 0 left, 1 right.
    "max_pool2d same": (lambda x: F.max_pool2d(F.pad(x.permute(0, 3, 1, 2), (0, 1, 1, 1), value=float("-inf")), 3, 2).permute(0, 2, 3, 1),
                        lambda: [r(1, 5, 4, 2)]),
    # Keras 'same' for a 5x3 input, 2x2 window, stride 2: pad 0 top, 1 bottom, 0 left, 1 right; the mean
    # counts only in-bounds pixels.
    "avg_pool2d same": (lambda x: avg_same(x), lambda: [r(2, 5, 3, 2)]),
    "squeeze/unsqueeze": (lambda a: a.unsqueeze(1).squeeze(0), lambda: [r(1, 4)]),
    "batch_norm inference": (lambda x, g, b: F.batch_norm(x, torch.full((3,), 0.5, dtype=torch.float64),
                                                          torch.full((3,), 2.0, dtype=torch.float64), g, b, training=False, eps=1e-3),
                             lambda: [r(4, 3), r(3), r(3)]),
}


# Ops added later draw their inputs after everything above, so the earlier fixtures stay byte for byte the same.
LATE_OPS = {
    "conv2d bias relu": (lambda x, w, b: torch.relu(nhwc_conv(x, w, (1, 1), (1, 1), "valid") + b),
                         lambda: [r(3, 5, 4, 3), r(3, 2, 3, 2), r(2)]),
    "conv2d max_pool2d": (lambda x, w: F.max_pool2d(nhwc_conv(x, w, (1, 1), (1, 1), "valid").permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1),
                          lambda: [r(3, 6, 5, 3), r(3, 2, 3, 2)]),
    "rms_norm": (lambda x, w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w, lambda: [r(2, 3, 17), r(17)]),
    "gelu tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda: [r(3, 37)]),
    "layer_norm over two axes": (lambda x, g, b: F.layer_norm(x, (3, 4), g, b, 1e-5), lambda: [r(2, 3, 4), r(3, 4), r(3, 4)]),
    "scaled_dot_product_attention": (lambda q, k, v: sdpa(q, k, v), lambda: [r(2, 3, 35, 9), r(2, 3, 67, 9), r(2, 3, 67, 9)]),
    "causal attention": (lambda q, k, v: sdpa(q, k, v, causal=True), lambda: [r(1, 2, 5, 9), r(1, 2, 7, 9), r(1, 2, 7, 9)]),
    "attention key padding": (lambda q, k, v: sdpa(q, k, v, lengths=[5, 2]), lambda: [r(2, 2, 4, 3), r(2, 2, 6, 3), r(2, 2, 6, 3)]),
    "causal attention key padding": (lambda q, k, v: sdpa(q, k, v, causal=True, lengths=[7, 3]),
                                     lambda: [r(2, 2, 7, 5), r(2, 2, 7, 5), r(2, 2, 7, 5)]),
    "rope": (lambda x: rope(x, 3, 10000.0), lambda: [r(2, 5, 8)]),
    "attention dropout": (lambda q, k, v: sdpa(q, k, v, p=0.3, seed=11), lambda: [r(2, 2, 6, 5), r(2, 2, 9, 5), r(2, 2, 9, 5)]),
    "causal attention key padding dropout": (lambda q, k, v: sdpa(q, k, v, causal=True, lengths=[7, 3], p=0.5, seed=12),
                                             lambda: [r(2, 2, 7, 5), r(2, 2, 7, 5), r(2, 2, 7, 5)]),
    "packed attention": (lambda x: packed(x, 2, False), lambda: [r(2, 5, 18)]),
    "causal packed attention": (lambda x: packed(x, 3, True), lambda: [r(2, 6, 27)]),
    "causal packed attention dropout": (lambda x: packed(x, 2, True, p=0.25, seed=13), lambda: [r(2, 9, 12)]),
    "bias gelu": (lambda x, b: F.gelu(x + b), lambda: [r(3, 37), r(37)]),
    "bias gelu tanh": (lambda x, b: F.gelu(x + b, approximate="tanh"), lambda: [r(2, 3, 5), r(5)]),
}


def rope(x, start, base):
    """GPT-NeoX/LLaMA rotary embedding, half-split: pairs (x[i], x[i + D/2]) rotated by (start + t)·base^(-2i/D)."""
    t, d = x.shape[-2], x.shape[-1]
    inv = base ** (-2.0 * torch.arange(d // 2, dtype=torch.float64) / d)
    ang = (start + torch.arange(t, dtype=torch.float64))[:, None] * inv[None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return torch.cat([x1 * ang.cos() - x2 * ang.sin(), x2 * ang.cos() + x1 * ang.sin()], dim=-1)


def sdpa(q, k, v, causal=False, lengths=None, p=0.0, seed=0):
    """Attention as matmul + masked softmax + matmul (PyTorch 1.13 has no F.scaled_dot_product_attention). Causal:
    query i sees keys j <= i + Tk - Tq (queries aligned to the end of the keys); lengths: the first lengths[b] keys;
    p > 0: the probabilities times Panamax's dropout mask for that seed (dropout_factors), applied explicitly."""
    tq, tk = q.shape[-2], k.shape[-2]
    visible = torch.ones(q.shape[0], 1, tq, tk, dtype=torch.bool)
    if causal:
        visible &= torch.ones(tq, tk, dtype=torch.bool).tril(tk - tq)
    if lengths is not None:
        visible &= (torch.arange(tk)[None, :] < torch.tensor(lengths)[:, None])[:, None, None, :]
    scores = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    probs = torch.softmax(scores.masked_fill(~visible, float("-inf")), -1)
    if p > 0:
        probs = probs * dropout_factors(seed, q.shape[0], q.shape[1], tq, tk, p)
    return probs @ v


def packed(qkv, heads, causal, p=0.0, seed=0):
    """Self-attention of the heads packed in qkv (B, T, 3C) = [q | k | v], output (B, T, C) with the heads side by side."""
    b, t, c = qkv.shape[0], qkv.shape[1], qkv.shape[2] // 3
    x = qkv.reshape(b, t, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    return sdpa(x[0], x[1], x[2], causal=causal, p=p, seed=seed).permute(0, 2, 1, 3).reshape(b, t, c)


M32, M64 = (1 << 32) - 1, (1 << 64) - 1


def mix64(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def dropout_factors(seed, b, h, tq, tk, p):
    """Panamax's attention dropout mask (kernels/attention/DropoutMask.java), from its definition: for head
    bh = b*H + h, query i, key j: 0 where dropped, else 1/(1-p)."""
    threshold = int(np.floor(p * (1 << 24) + 0.5))
    z = np.zeros((b, h, tq, tk))
    for bh in range(b * h):
        for i in range(tq):
            row = mix64((seed & M64) ^ mix64((bh << 32) | i)) >> 32
            for j in range(tk):
                x = (row + j * 0x9E3779B9) & M32
                x ^= x >> 16
                x = (x * 0x85EBCA6B) & M32
                x ^= x >> 13
                x = (x * 0xC2B2AE35) & M32
                x ^= x >> 16
                z[bh // h, bh % h, i, j] = 1 / (1 - p) if (x >> 8) >= threshold else 0.0
    return torch.tensor(z)


def avg_same(x):
    xt = F.pad(x.permute(0, 3, 1, 2), (0, 1, 0, 1))
    sums = F.avg_pool2d(xt, 2, 2, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones(1, 1, 5, 3, dtype=torch.float64), (0, 1, 0, 1)), 2, 2, divisor_override=1)
    return (sums / counts).permute(0, 2, 3, 1)


def file_name(name):
    return name.replace(" ", "_").replace(",", "").replace("/", "_") + ".npz"


def make_op(name, fn, inputs):
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in inputs]
    y = fn(*xs)
    w = torch.tensor(rng.uniform(0.5, 1.5, size=tuple(y.shape)), dtype=torch.float64)
    (y * w).sum().backward()
    arrays = {"y": y.detach().numpy(), "w": w.numpy()}
    for i, (a, x) in enumerate(zip(inputs, xs)):
        arrays[f"x{i}"] = np.asarray(a, dtype=np.float64)
        arrays[f"g{i}"] = x.grad.numpy()
    np.savez(os.path.join(OUT, "op_" + file_name(name)), **arrays)


def adam_step(params, lr=1e-3):
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)
    opt.step()


def make_mlp():
    """784 -> 16 (relu) -> 10, sparse cross-entropy, batch 8, one Adam step, float32."""
    x = torch.tensor(rng.uniform(0, 1, size=(8, 784)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, 10, size=8))
    w1 = torch.tensor(rng.normal(0, 0.05, size=(784, 16)), dtype=torch.float32, requires_grad=True)
    b1 = torch.tensor(rng.normal(0, 0.05, size=(16,)), dtype=torch.float32, requires_grad=True)
    w2 = torch.tensor(rng.normal(0, 0.2, size=(16, 10)), dtype=torch.float32, requires_grad=True)
    b2 = torch.tensor(rng.normal(0, 0.05, size=(10,)), dtype=torch.float32, requires_grad=True)
    start = {k: v.detach().numpy().copy() for k, v in dict(w1=w1, b1=b1, w2=w2, b2=b2).items()}
    loss = F.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, y)
    loss.backward()
    grads = {"grad_" + k: v.grad.numpy().copy() for k, v in dict(w1=w1, b1=b1, w2=w2, b2=b2).items()}
    adam_step([w1, b1, w2, b2])
    after = {"after_" + k: v.detach().numpy().copy() for k, v in dict(w1=w1, b1=b1, w2=w2, b2=b2).items()}
    np.savez(os.path.join(OUT, "net_mlp.npz"), x=x.numpy(), labels=y.numpy(), loss=np.array(loss.item()),
             **start, **grads, **after)


def make_cnn():
    """NHWC 8x8x1 -> conv 3x3x4 relu -> maxpool 2 -> flatten -> dense 10, batch 4, one Adam step, float32."""
    x = torch.tensor(rng.uniform(0, 1, size=(4, 8, 8, 1)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, 10, size=4))
    k = torch.tensor(rng.normal(0, 0.3, size=(3, 3, 1, 4)), dtype=torch.float32, requires_grad=True)
    kb = torch.tensor(rng.normal(0, 0.05, size=(4,)), dtype=torch.float32, requires_grad=True)
    w = torch.tensor(rng.normal(0, 0.1, size=(36, 10)), dtype=torch.float32, requires_grad=True)
    b = torch.tensor(rng.normal(0, 0.05, size=(10,)), dtype=torch.float32, requires_grad=True)
    start = {n: v.detach().numpy().copy() for n, v in dict(k=k, kb=kb, w=w, b=b).items()}
    h = torch.relu(nhwc_conv(x, k, (1, 1), (1, 1), "valid") + kb)               # (4, 6, 6, 4)
    p = F.max_pool2d(h.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1)         # (4, 3, 3, 4)
    logits = p.reshape(4, 36) @ w + b
    loss = F.cross_entropy(logits, y)
    loss.backward()
    grads = {"grad_" + n: v.grad.numpy().copy() for n, v in dict(k=k, kb=kb, w=w, b=b).items()}
    adam_step([k, kb, w, b])
    after = {"after_" + n: v.detach().numpy().copy() for n, v in dict(k=k, kb=kb, w=w, b=b).items()}
    np.savez(os.path.join(OUT, "net_cnn.npz"), x=x.numpy(), labels=y.numpy(), loss=np.array(loss.item()),
             **start, **grads, **after)


def make_tutorial_cnn(out_dir):
    """The Keras tutorial's MNIST CNN (Panamax layer names and NHWC layouts), one batch of 8: loss and every gradient."""
    names = ["conv2d", "conv2d_1", "conv2d_2", "dense", "dense_1"]
    shapes = {"conv2d": (3, 3, 1, 32), "conv2d_1": (3, 3, 32, 64), "conv2d_2": (3, 3, 64, 64), "dense": (576, 64), "dense_1": (64, 10)}
    params = {}
    for n in names:
        k = shapes[n]
        fan_in = int(np.prod(k[:-1]))
        params[n + ".kernel"] = torch.tensor(rng.normal(0, (2.0 / fan_in) ** 0.5, size=k), dtype=torch.float32, requires_grad=True)
        params[n + ".bias"] = torch.tensor(rng.normal(0, 0.05, size=(k[-1],)), dtype=torch.float32, requires_grad=True)
    x = torch.tensor(rng.uniform(0, 1, size=(8, 28, 28, 1)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, 10, size=8))
    p = params
    h = torch.relu(nhwc_conv(x, p["conv2d.kernel"], (1, 1), (1, 1), "valid") + p["conv2d.bias"])
    h = F.max_pool2d(h.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1)
    h = torch.relu(nhwc_conv(h, p["conv2d_1.kernel"], (1, 1), (1, 1), "valid") + p["conv2d_1.bias"])
    h = F.max_pool2d(h.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1)
    h = torch.relu(nhwc_conv(h, p["conv2d_2.kernel"], (1, 1), (1, 1), "valid") + p["conv2d_2.bias"])
    h = h.reshape(8, -1)                                   # Keras' Flatten of NHWC
    h = torch.relu(h @ p["dense.kernel"] + p["dense.bias"])
    probs = torch.softmax(h @ p["dense_1.kernel"] + p["dense_1.bias"], 1)
    loss = F.nll_loss(torch.log(torch.clamp(probs, 1e-7, 1 - 1e-7)), y)   # sparse CCE on probabilities, as Keras
    loss.backward()
    arrays = {"x": x.numpy(), "labels": y.numpy(), "loss": np.array(loss.item())}
    for k, v in params.items():
        arrays[k] = v.detach().numpy()
        arrays["grad." + k] = v.grad.numpy()
    np.savez(os.path.join(out_dir, "tutorial_cnn_step.npz"), **arrays)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, (fn, inputs) in OPS.items():
        make_op(name, fn, inputs())
    make_mlp()
    make_cnn()
    nn_fixtures = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "nn", "src", "test", "resources", "fixtures")
    os.makedirs(nn_fixtures, exist_ok=True)
    make_tutorial_cnn(nn_fixtures)
    for name, (fn, inputs) in LATE_OPS.items():
        make_op(name, fn, inputs())
    print(f"wrote {len(OPS) + len(LATE_OPS)} op fixtures and 2 network fixtures to {os.path.normpath(OUT)}")
