#!/usr/bin/python3
"""PyTorch reference for Panamax's GPT: one forward/backward and one AdamW step of a 2-block GPT from fixed weights.

Same architecture as dev.panamax.nn.transformer.Gpt (GPT-2 / nanoGPT): token + learned position embeddings,
pre-norm blocks (LayerNorm eps 1e-5, causal multi-head attention with a fused qkv projection whose columns are
[q | k | v], exact GELU MLP of width 4C), a final LayerNorm and an output head tied to the token embedding.
Weights are drawn here and saved under Panamax's names; the test loads them, so initialisation plays no part.
AdamW: lr 1e-2, betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on the matmul kernels only (biases, norms and
embeddings exempt, as nanoGPT's/minGPT's parameter groups).

Run with Debian's PyTorch 1.13:  /usr/bin/python3 nn/src/test/python/make_gpt_fixture.py
Writes nn/src/test/resources/fixtures/gpt_step.npz (committed; the tests need no Python).
"""
import math
import os
import numpy as np
import torch
import torch.nn.functional as F

V, T, L, H, C, B = 11, 8, 2, 2, 16, 3
rng = np.random.default_rng(7)


def w(*shape, std=0.2):
    return torch.tensor(rng.normal(0, std, size=shape), dtype=torch.float64, requires_grad=True)


params = {"token_embedding.embeddings": w(V, C), "position_embedding.embeddings": w(T, C)}
for i in range(L):
    p = f"block{i}."
    params[p + "norm1.gamma"] = torch.tensor(1 + rng.normal(0, 0.1, size=C), requires_grad=True)
    params[p + "norm1.beta"] = w(C, std=0.1)
    params[p + "attention.qkv_kernel"] = w(C, 3 * C)
    params[p + "attention.qkv_bias"] = w(3 * C, std=0.1)
    params[p + "attention.out_kernel"] = w(C, C)
    params[p + "attention.out_bias"] = w(C, std=0.1)
    params[p + "norm2.gamma"] = torch.tensor(1 + rng.normal(0, 0.1, size=C), requires_grad=True)
    params[p + "norm2.beta"] = w(C, std=0.1)
    params[p + "mlp.fc_kernel"] = w(C, 4 * C)
    params[p + "mlp.fc_bias"] = w(4 * C, std=0.1)
    params[p + "mlp.proj_kernel"] = w(4 * C, C)
    params[p + "mlp.proj_bias"] = w(C, std=0.1)
params["layer_normalization.gamma"] = torch.tensor(1 + rng.normal(0, 0.1, size=C), requires_grad=True)
params["layer_normalization.beta"] = w(C, std=0.1)

ids = torch.tensor(rng.integers(0, V, size=(B, T)))
targets = torch.tensor(rng.integers(0, V, size=(B, T)))


def attention(x, p):
    qkv = x @ params[p + "qkv_kernel"] + params[p + "qkv_bias"]
    q, k, v = qkv.split(C, dim=2)
    q, k, v = (a.view(B, T, H, C // H).transpose(1, 2) for a in (q, k, v))
    s = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
    s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
    y = (F.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
    return y @ params[p + "out_kernel"] + params[p + "out_bias"]


def forward():
    h = params["token_embedding.embeddings"][ids] + params["position_embedding.embeddings"][:T]
    for i in range(L):
        p = f"block{i}."
        h = h + attention(F.layer_norm(h, (C,), params[p + "norm1.gamma"], params[p + "norm1.beta"], 1e-5), p + "attention.")
        m = F.layer_norm(h, (C,), params[p + "norm2.gamma"], params[p + "norm2.beta"], 1e-5)
        m = F.gelu(m @ params[p + "mlp.fc_kernel"] + params[p + "mlp.fc_bias"])
        h = h + m @ params[p + "mlp.proj_kernel"] + params[p + "mlp.proj_bias"]
    h = F.layer_norm(h, (C,), params["layer_normalization.gamma"], params["layer_normalization.beta"], 1e-5)
    return h @ params["token_embedding.embeddings"].T


logits = forward()
loss = F.cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T))
loss.backward()

out = {"ids": ids.numpy(), "targets": targets.numpy(), "loss": np.array(loss.item()), "logits": logits.detach().numpy()}
for name, t in params.items():
    out[name] = t.detach().numpy().copy()
    out["grad." + name] = t.grad.numpy().copy()
decayed = [t for n, t in params.items() if n.endswith("_kernel")]
exempt = [t for n, t in params.items() if not n.endswith("_kernel")]
opt = torch.optim.AdamW([{"params": decayed, "weight_decay": 0.1}, {"params": exempt, "weight_decay": 0.0}],
                        lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
opt.step()
for name, t in params.items():
    out["after." + name] = t.detach().numpy().copy()
path = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "gpt_step.npz")
np.savez(path, **out)
print(f"loss {loss.item():.6f}; wrote {os.path.normpath(path)}")
