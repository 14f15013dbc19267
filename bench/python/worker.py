#!/usr/bin/env python3
"""PyTorch side of `panamax compare`: runs one workload and prints one JSON object on stdout.

Each workload mirrors dev.panamax.bench.compare.PanamaxWorker step for step: the same initial weights (read from
the safetensors files the harness exported from Panamax), the same MNIST batches in the same order, the same
optimizer settings, the same number of warm-up and measured steps. The harness compares the figures and the loss.

Usage: worker.py WORKLOAD --inputs DIR --threads N --warmup W --steps S
"""
import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np

import torch
import torch.nn.functional as F


def read_safetensors(path):
    """Tensors of a safetensors file in the order they are stored (the layer order Panamax wrote)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        body = f.read()
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
    out = []
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        arr = np.frombuffer(body[start:end], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
        out.append((start, name, arr.copy()))
    out.sort()
    return [(name, arr) for _, name, arr in out]


def read_idx(path):
    import gzip
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist(inputs, split):
    with open(os.path.join(inputs, "data.json")) as f:
        files = json.load(f)
    images = read_idx(files[split + "_images"]).astype(np.float32) / 255.0
    labels = read_idx(files[split + "_labels"]).astype(np.int64)
    return torch.from_numpy(images.reshape(-1, 1, images.shape[1], images.shape[2])), torch.from_numpy(labels)


class TutorialCnn(torch.nn.Module):
    """The Keras tutorial's CNN in PyTorch's NCHW layout, initialised from Panamax's NHWC weights."""

    def __init__(self, weights):
        super().__init__()
        (k1, b1), (k2, b2), (k3, b3), (w4, b4), (w5, b5) = [(weights[i][1], weights[i + 1][1]) for i in range(0, 10, 2)]
        conv = lambda k: torch.from_numpy(np.ascontiguousarray(k.transpose(3, 2, 0, 1)))  # (KH,KW,C,F) -> (F,C,KH,KW)
        self.c1 = torch.nn.Conv2d(k1.shape[2], k1.shape[3], 3)
        self.c2 = torch.nn.Conv2d(k2.shape[2], k2.shape[3], 3)
        self.c3 = torch.nn.Conv2d(k3.shape[2], k3.shape[3], 3)
        self.d1 = torch.nn.Linear(w4.shape[0], w4.shape[1])
        self.d2 = torch.nn.Linear(w5.shape[0], w5.shape[1])
        with torch.no_grad():
            for layer, k, b in ((self.c1, k1, b1), (self.c2, k2, b2), (self.c3, k3, b3)):
                layer.weight.copy_(conv(k))
                layer.bias.copy_(torch.from_numpy(b))
            # Panamax flattens (H, W, C); PyTorch flattens (C, H, W): reorder the first Dense layer's rows once,
            # so PyTorch runs its natural layout and computes the same function.
            c = k3.shape[3]
            hw = w4.shape[0] // c
            side = int(round(hw ** 0.5))
            w4chw = w4.reshape(side, side, c, -1).transpose(2, 0, 1, 3).reshape(w4.shape[0], -1)
            self.d1.weight.copy_(torch.from_numpy(np.ascontiguousarray(w4chw.T)))
            self.d1.bias.copy_(torch.from_numpy(b4))
            self.d2.weight.copy_(torch.from_numpy(np.ascontiguousarray(w5.T)))
            self.d2.bias.copy_(torch.from_numpy(b5))

    def forward(self, x):  # logits
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.c3(x))
        return self.d2(F.relu(self.d1(torch.flatten(x, 1))))


class Mlp(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        (w1, b1), (w2, b2) = [(weights[i][1], weights[i + 1][1]) for i in range(0, 4, 2)]
        self.d1 = torch.nn.Linear(w1.shape[0], w1.shape[1])
        self.d2 = torch.nn.Linear(w2.shape[0], w2.shape[1])
        with torch.no_grad():
            for layer, w, b in ((self.d1, w1, b1), (self.d2, w2, b2)):
                layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
                layer.bias.copy_(torch.from_numpy(b))

    def forward(self, x):
        return self.d2(F.relu(self.d1(torch.flatten(x, 1))))


class Gpt(torch.nn.Module):
    """Panamax's GPT (nanoGPT's architecture, as nn/src/test/python/make_gpt_fixture.py writes it) with
    torch.nn.Linear/LayerNorm layers, initialised from Panamax's weights by name: token + learned position
    embeddings, pre-norm blocks (causal attention with a fused [q | k | v] projection, exact GELU MLP of width 4C),
    final LayerNorm, head tied to the token embedding. Panamax's kernels are (in, out); Linear's weights are
    (out, in). forward(ids, cache) reads new tokens after those a KvCache holds, when one is given."""

    def __init__(self, weights, heads, context):
        super().__init__()
        t = lambda name: torch.from_numpy(np.ascontiguousarray(weights[name]))
        self.heads = heads
        self.wte = torch.nn.Parameter(t("token_embedding.embeddings"))
        self.wpe = torch.nn.Parameter(t("position_embedding.embeddings"))
        c = self.wte.shape[1]
        self.blocks = torch.nn.ModuleList()
        self.decayed = []
        i = 0
        while f"block{i}.norm1.gamma" in weights:
            p = f"block{i}."
            b = torch.nn.Module()
            b.ln1, b.ln2 = torch.nn.LayerNorm(c, eps=1e-5), torch.nn.LayerNorm(c, eps=1e-5)
            b.qkv, b.out = torch.nn.Linear(c, 3 * c), torch.nn.Linear(c, c)
            b.fc, b.proj = torch.nn.Linear(c, 4 * c), torch.nn.Linear(4 * c, c)
            with torch.no_grad():
                for ln, n in ((b.ln1, "norm1"), (b.ln2, "norm2")):
                    ln.weight.copy_(t(p + n + ".gamma"))
                    ln.bias.copy_(t(p + n + ".beta"))
                for lin, k, bias in ((b.qkv, "attention.qkv_kernel", "attention.qkv_bias"), (b.out, "attention.out_kernel", "attention.out_bias"),
                                     (b.fc, "mlp.fc_kernel", "mlp.fc_bias"), (b.proj, "mlp.proj_kernel", "mlp.proj_bias")):
                    lin.weight.copy_(t(p + k).T)
                    lin.bias.copy_(t(p + bias))
                    self.decayed.append(lin.weight)
            self.blocks.append(b)
            i += 1
        self.ln_f = torch.nn.LayerNorm(c, eps=1e-5)
        with torch.no_grad():
            self.ln_f.weight.copy_(t("layer_normalization.gamma"))
            self.ln_f.bias.copy_(t("layer_normalization.beta"))
        self.register_buffer("mask", torch.tril(torch.ones(context, context, dtype=torch.bool)))

    def attention(self, b, x, cache, i, start):
        bs, n, c = x.shape
        h, d = self.heads, c // self.heads
        q, k, v = b.qkv(x).split(c, dim=2)
        q, k, v = (a.view(bs, n, h, d).transpose(1, 2) for a in (q, k, v))  # (B, H, n, D)
        if cache is not None:
            cache.k[i][:, :, start:start + n] = k
            cache.v[i][:, :, start:start + n] = v
            k, v = cache.k[i][:, :, :start + n], cache.v[i][:, :, :start + n]
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))
        if n > 1:
            s = s.masked_fill(~self.mask[start:start + n, :start + n], float("-inf"))
        y = (F.softmax(s, dim=-1) @ v).transpose(1, 2).contiguous().view(bs, n, c)
        return b.out(y)

    def forward(self, ids, cache=None):  # logits (B, n, V)
        start = cache.length if cache is not None else 0
        x = F.embedding(ids, self.wte) + self.wpe[start:start + ids.shape[1]]
        for i, b in enumerate(self.blocks):
            x = x + self.attention(b, b.ln1(x), cache, i, start)
            x = x + b.proj(F.gelu(b.fc(b.ln2(x))))
        if cache is not None:
            cache.length += ids.shape[1]
        return F.linear(self.ln_f(x), self.wte)


class KvCache:
    """Keys and values per block, (1, H, context, D), filled position by position."""

    def __init__(self, blocks, heads, context, dim):
        self.k = [torch.zeros(1, heads, context, dim // heads) for _ in range(blocks)]
        self.v = [torch.zeros(1, heads, context, dim // heads) for _ in range(blocks)]
        self.length = 0


GPT_HEADS = 4  # CompareInputs.GPT_CONFIG


def gpt_inputs(inputs, weights_file="gpt.safetensors"):
    weights = dict(read_safetensors(os.path.join(inputs, weights_file)))
    tokens = dict(read_safetensors(os.path.join(inputs, "gpt_tokens.safetensors")))
    context = weights["position_embedding.embeddings"].shape[0]
    return Gpt(weights, GPT_HEADS, context), tokens, context


def gpt_train(inputs, warmup, steps):
    """nanoGPT's step: AdamW (lr 1e-3, betas 0.9/0.99, eps 1e-8, decay 0.1 on the Linear weights only: biases,
    norms and embeddings exempt), global gradient norm clipped to 1; step k reads batch k mod K. Returns tokens/s
    and the last step's loss."""
    model, tokens, _ = gpt_inputs(inputs)
    batches = torch.from_numpy(tokens["batches"].astype(np.int64))  # (K, B, T + 1)
    x, y = batches[:, :, :-1].contiguous(), batches[:, :, 1:].contiguous()
    k, b, t = x.shape
    decayed = {id(p) for p in model.decayed}
    groups = [{"params": [p for p in model.parameters() if id(p) in decayed], "weight_decay": 0.1},
              {"params": [p for p in model.parameters() if id(p) not in decayed], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
    t0, last = None, float("nan")
    for step in range(warmup + steps):
        if step == warmup:
            t0 = time.perf_counter()
        i = step % k
        logits = model(x[i])
        loss = F.cross_entropy(logits.view(b * t, -1), y[i].view(b * t))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = loss.item()
    return steps * b * t / (time.perf_counter() - t0), last


def token_hash(ids):
    """The same hash as PanamaxWorker.tokenHash."""
    h = 0
    for i in ids:
        h = (h * 131 + int(i)) % 1_000_000_007
    return h


def generate(model, prompt, count, context, cached):
    """Greedy generation at batch 1: with the cache, the prompt in one pass and then one position per token; without,
    nanoGPT's loop, a full forward pass over the sequence cropped to the context for each token. Returns the new ids,
    the first token's latency in ms, and the smallest gap between the two largest logits of any choice."""
    t0 = time.perf_counter()
    first, margin, out = None, float("inf"), []
    seq = torch.tensor([prompt], dtype=torch.int64)
    cache = KvCache(len(model.blocks), model.heads, context, model.wte.shape[1]) if cached else None
    feed = seq
    for _ in range(count):
        logits = model(feed if cached else seq[:, -context:], cache)[0, -1]
        top = torch.topk(logits, 2).values
        margin = min(margin, float(top[0] - top[1]))
        nxt = int(torch.argmax(logits))
        if first is None:
            first = (time.perf_counter() - t0) * 1e3
        out.append(nxt)
        feed = torch.tensor([[nxt]], dtype=torch.int64)
        seq = torch.cat([seq, feed], dim=1)
    return out, first, margin


def gpt_generate(inputs, warmup, steps):
    """Both loops, each warmup + steps generations (from the briefly trained weights the harness exported) of the
    tokens that fill the context after the prompt; reports the faster loop's tokens/s and first-token median, and a
    check only if both loops chose the same ids."""
    model, tokens, context = gpt_inputs(inputs, "gpt_trained.safetensors")
    model.eval()
    prompt = [int(t) for t in tokens["prompt"]]
    count = context - len(prompt)
    loops = {}
    with torch.no_grad():
        for name, cached in (("full-forward", False), ("kv-cache", True)):
            firsts, total = [], 0.0
            for i in range(warmup + steps):
                t0 = time.perf_counter()
                ids, first, margin = generate(model, prompt, count, context, cached)
                dt = time.perf_counter() - t0
                if i >= warmup:
                    firsts.append(first)
                    total += dt
            firsts.sort()
            loops[name] = (count * steps / total, firsts[len(firsts) // 2], ids, margin)
    best = max(loops, key=lambda n: loops[n][0])
    value, first, ids, margin = loops[best]
    same = all(loop[2] == ids for loop in loops.values())
    return {"value": value, "first_token_ms": first, "check": float(token_hash(ids)) if same else float("nan"),
            "min_margin": min(loop[3] for loop in loops.values()), "variant": best,
            **{name.replace("-", "_") + "_tokens_per_s": loop[0] for name, loop in loops.items()}, "ids": ids}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def train_steps(model, images, labels, batch, warmup, steps):
    """Adam (Keras' defaults: lr 1e-3, eps 1e-7) on consecutive batches, wrapping around; returns samples/s and the
    mean loss over every step (one batch's loss after hundreds of steps is chaotic: rounding differences grow)."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    n = images.shape[0]
    loss_sum = 0.0
    t0 = None
    for step in range(warmup + steps):
        if step == warmup:
            t0 = time.perf_counter()
        start = (step * batch) % (n - batch + 1)
        x, y = images[start:start + batch], labels[start:start + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss_sum += loss.item()
    seconds = time.perf_counter() - t0
    return steps * batch / seconds, loss_sum / (warmup + steps)


def epoch(model, opt, images, labels, batch):
    total = 0.0
    t0 = time.perf_counter()
    for start in range(0, images.shape[0], batch):
        x, y = images[start:start + batch], labels[start:start + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        total += loss.item() * x.shape[0]
    seconds = time.perf_counter() - t0
    return images.shape[0] / seconds, total / images.shape[0]


def gemm_inputs(n):
    """The same deterministic matrices as PanamaxWorker: small integers scaled, exact in float32."""
    i = np.arange(n * n, dtype=np.int64)
    a = (((i * 7) % 13) - 6).astype(np.float32) / 8
    b = (((i * 5) % 11) - 5).astype(np.float32) / 8
    return a.reshape(n, n), b.reshape(n, n)


def timed(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    for _ in range(steps):
        r = fn()
    return time.perf_counter() - t0, r


def run(args):
    torch.manual_seed(0)
    w, name = args.workload, args.workload
    result = {}
    if name.startswith("gemm-"):
        n = int(name.split("-")[1])
        a, b = gemm_inputs(n)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        seconds, c = timed(lambda: torch.mm(ta, tb), args.warmup, args.steps)
        result["value"] = 2.0 * n ** 3 * args.steps / seconds / 1e9
        result["check"] = float(c.double().sum())
        seconds, cn = timed(lambda: a @ b, args.warmup, args.steps)
        result["numpy"] = 2.0 * n ** 3 * args.steps / seconds / 1e9
    elif name.startswith("mlp-step-"):
        batch = int(name.split("-")[2])
        model = Mlp(read_safetensors(os.path.join(args.inputs, "mlp.safetensors")))
        images, labels = mnist(args.inputs, "train")
        result["value"], result["check"] = train_steps(model, images, labels, batch, args.warmup, args.steps)
    elif name.startswith("cnn-step-"):
        batch = int(name.split("-")[2])
        model = TutorialCnn(read_safetensors(os.path.join(args.inputs, "cnn.safetensors")))
        images, labels = mnist(args.inputs, "train")
        result["value"], result["check"] = train_steps(model, images, labels, batch, args.warmup, args.steps)
    elif name.startswith("cnn-epoch"):
        model = TutorialCnn(read_safetensors(os.path.join(args.inputs, "cnn.safetensors")))
        images, labels = mnist(args.inputs, "train")
        if args.steps > 0:
            images, labels = images[:args.steps], labels[:args.steps]
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        for _ in range(args.warmup):  # cnn-epoch-warm: untimed epochs the timed one continues from
            epoch(model, opt, images, labels, 32)
        result["value"], result["check"] = epoch(model, opt, images, labels, 32)
    elif name == "cnn-infer-1000":
        model = TutorialCnn(read_safetensors(os.path.join(args.inputs, "cnn.safetensors"))).eval()
        images, labels = mnist(args.inputs, "test")
        with torch.no_grad():
            def once():
                total = 0.0
                for start in range(0, images.shape[0], 1000):
                    total += F.cross_entropy(model(images[start:start + 1000]), labels[start:start + 1000], reduction="sum").item()
                return total / images.shape[0]
            seconds, loss = timed(once, args.warmup, args.steps)
        result["value"] = images.shape[0] * args.steps / seconds
        result["check"] = loss
    elif name == "cnn-latency-1":
        model = TutorialCnn(read_safetensors(os.path.join(args.inputs, "cnn.safetensors"))).eval()
        images, _ = mnist(args.inputs, "test")
        times = []
        total = 0.0
        with torch.no_grad():
            for i in range(args.warmup + args.steps):
                x = images[i % images.shape[0]:i % images.shape[0] + 1]
                t0 = time.perf_counter()
                probs = torch.softmax(model(x), dim=1)
                dt = time.perf_counter() - t0
                if i >= args.warmup:
                    times.append(dt * 1e3)
                    total += float(probs[0, 0])
        times.sort()
        result["value"] = times[len(times) // 2]
        result["p99"] = times[min(len(times) - 1, int(len(times) * 0.99))]
        result["check"] = total / args.steps
    elif name == "gpt-train":
        result["value"], result["check"] = gpt_train(args.inputs, args.warmup, args.steps)
    elif name == "gpt-generate":
        result.update(gpt_generate(args.inputs, args.warmup, args.steps))
    elif name == "gpt-val-loss":
        import gpt_val_loss  # beside this file; trains exactly as `./panamax train gpt` does
        val, train, tokens_per_second = gpt_val_loss.train_and_evaluate(os.path.join(args.inputs, "gpt_corpus.txt"), args.steps, 42)
        result.update({"value": val, "check": val, "train_loss": train, "tokens_per_second": tokens_per_second})
    else:
        raise SystemExit(f"worker.py: unknown workload '{name}'")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def describe():
    """What PyTorch is: version, BLAS, oneDNN, threads, OpenBLAS kernel if OpenBLAS is the BLAS."""
    cfg = torch.__config__.show()
    blas = "unknown"
    for line in cfg.splitlines():
        if "BLAS_INFO" in line:
            blas = line.split("BLAS_INFO=")[1].split(",")[0].strip()
    info = {
        "version": torch.__version__,
        "blas": blas,
        "onednn": bool(torch.backends.mkldnn.is_available() and torch._C._get_mkldnn_enabled()),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "numpy": np.__version__,
    }
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line})
    if libs:
        import ctypes
        try:
            lib = ctypes.CDLL(libs[0])
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas"] = libs[0]
        except OSError:
            pass
    return info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--inputs", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--describe", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.workload == "describe":
        print(json.dumps(describe()))
        return
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
