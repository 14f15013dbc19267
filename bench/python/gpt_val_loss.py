#!/usr/bin/python3
"""PyTorch's validation loss for `./panamax train gpt`'s default run, on the same text and configuration.

Same architecture as dev.panamax.nn.transformer.Gpt (GPT-2 / nanoGPT: token + learned position embeddings,
pre-norm blocks with causal attention and an exact-GELU MLP of width 4C, LayerNorm eps 1e-5, head tied to the
token embedding), the same initialisation (N(0, 0.02²), residual projections scaled by 1/sqrt(2·layers), biases
zero), the same character vocabulary (the text's code points, sorted), the same split (the last 10 % of the tokens
for validation), the same optimizer (AdamW lr 1e-3, betas (0.9, 0.99), eps 1e-8, weight decay 0.1 on kernels only,
global-norm clipping 1.0; 100 warm-up steps, then a cosine to 1e-4) and the same evaluation (the mean loss over
200 evenly spaced windows of each part). Only the random draws differ: the weights and the training windows come
from PyTorch's generator seeded with --seed.

Usage: /usr/bin/python3 bench/python/gpt_val_loss.py TEXT_FILE [--iters 2000] [--seed 42] [--threads 2]
(the English corpus is ~/.cache/panamax/corpora/brown.txt once `./panamax train gpt` has fetched it).
`panamax compare --only gpt-val-loss` runs the same training through worker.py (train_and_evaluate).
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("text")
    ap.add_argument("--iters", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-interval", type=int, default=250)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    train_and_evaluate(a.text, a.iters, a.seed, a.eval_interval, log=True)
    print(f"PyTorch {torch.__version__}, {a.threads} threads")


def train_and_evaluate(text_file, iters, seed, eval_interval=250, log=False):
    """Trains the default GPT on text_file for iters steps; returns (validation loss, train loss, tokens/s)."""
    torch.manual_seed(seed)
    text = open(text_file, encoding="utf-8").read()
    vocab = sorted(set(text))
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    cut = len(ids) - int(len(ids) * 0.1)
    train, val = ids[:cut], ids[cut:]
    V, T, L, H, C, B = len(vocab), 64, 4, 4, 128, 12
    lr, min_lr, warmup = 1e-3, 1e-4, 100

    def normal(*shape, std=0.02):
        return (torch.randn(*shape) * std).requires_grad_()

    def zeros(*shape):
        return torch.zeros(*shape).requires_grad_()

    def ones(*shape):
        return torch.ones(*shape).requires_grad_()

    res = 0.02 / math.sqrt(2 * L)
    p = {"wte": normal(V, C), "wpe": normal(T, C), "lnf_g": ones(C), "lnf_b": zeros(C)}
    for i in range(L):
        p.update({f"{i}.ln1_g": ones(C), f"{i}.ln1_b": zeros(C), f"{i}.qkv_w": normal(C, 3 * C), f"{i}.qkv_b": zeros(3 * C),
                  f"{i}.out_w": normal(C, C, std=res), f"{i}.out_b": zeros(C), f"{i}.ln2_g": ones(C), f"{i}.ln2_b": zeros(C),
                  f"{i}.fc_w": normal(C, 4 * C), f"{i}.fc_b": zeros(4 * C), f"{i}.proj_w": normal(4 * C, C, std=res),
                  f"{i}.proj_b": zeros(C)})
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)

    def forward(x):
        b, t = x.shape
        h = p["wte"][x] + p["wpe"][:t]
        for i in range(L):
            u = F.layer_norm(h, (C,), p[f"{i}.ln1_g"], p[f"{i}.ln1_b"], 1e-5) @ p[f"{i}.qkv_w"] + p[f"{i}.qkv_b"]
            q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in u.split(C, dim=2))
            s = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
            y = (F.softmax(s.masked_fill(mask[:t, :t], float("-inf")), dim=-1) @ v).transpose(1, 2).reshape(b, t, C)
            h = h + y @ p[f"{i}.out_w"] + p[f"{i}.out_b"]
            m = F.gelu(F.layer_norm(h, (C,), p[f"{i}.ln2_g"], p[f"{i}.ln2_b"], 1e-5) @ p[f"{i}.fc_w"] + p[f"{i}.fc_b"])
            h = h + m @ p[f"{i}.proj_w"] + p[f"{i}.proj_b"]
        return F.layer_norm(h, (C,), p["lnf_g"], p["lnf_b"], 1e-5) @ p["wte"].T

    def loss_of(x, y):
        return F.cross_entropy(forward(x).reshape(-1, V), y.reshape(-1))

    def fixed(tokens, n=200):
        last = len(tokens) - T - 1
        pos = [last * i // (n - 1) for i in range(n)]
        return torch.stack([tokens[s:s + T] for s in pos]), torch.stack([tokens[s + 1:s + T + 1] for s in pos])

    evals = {"train": fixed(train), "val": fixed(val)}

    def evaluate(part):
        x, y = evals[part]
        with torch.no_grad():
            return sum(loss_of(x[j:j + 500], y[j:j + 500]).item() * len(x[j:j + 500]) for j in range(0, len(x), 500)) / len(x)

    decayed = [t for n, t in p.items() if n.endswith("_w")]
    exempt = [t for n, t in p.items() if not n.endswith("_w")]
    opt = torch.optim.AdamW([{"params": decayed, "weight_decay": 0.1}, {"params": exempt, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.99), eps=1e-8)
    t0 = time.time()
    for step in range(iters):
        if step < warmup:
            rate = lr * (step + 1) / warmup
        else:
            f = min(1.0, (step - warmup) / max(1, iters - warmup))
            rate = lr * ((1 - min_lr / lr) * 0.5 * (1 + math.cos(math.pi * f)) + min_lr / lr)
        for g in opt.param_groups:
            g["lr"] = rate
        starts = torch.randint(0, len(train) - T - 1, (B,))
        x = torch.stack([train[s:s + T] for s in starts])
        y = torch.stack([train[s + 1:s + T + 1] for s in starts])
        loss = loss_of(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), 1.0)
        opt.step()
        if log and ((step + 1) % eval_interval == 0 or step + 1 == iters):
            print(f"step {step + 1}: train loss {evaluate('train'):.4f}, val loss {evaluate('val'):.4f}, "
                  f"{(step + 1) * B * T / (time.time() - t0):,.0f} tokens/s", flush=True)
    seconds = time.time() - t0
    if log:
        print(f"{sum(t.numel() for t in p.values()):,} parameters, {seconds:.1f} s")
    return evaluate("val"), evaluate("train"), iters * B * T / seconds


if __name__ == "__main__":
    main()
