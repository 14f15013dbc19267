#!/usr/bin/python3
"""PyTorch reference values for Panamax's higher-order gradients (createGraph), read by HigherOrderTest.

hvp.npz: a Hessian-vector product. f(x, W) = sum(tanh(x @ W) ** 2) / n + mean(sigmoid(x) * exp(-x) / (1 + x ** 2)),
with x (3, 4), W (4, 2) float64 and a direction v shaped like x; `hvp` is d/dx <grad_x f, v> (the Hessian of f in x
times v), computed by double backward (torch.autograd.grad with create_graph=True). `gp_grad_*` are the gradients
of a WGAN-GP penalty mean((||grad_x D(x)||_2 - 1) ** 2) for the critic D(x) = tanh(x @ W1 + b1) @ W2 with respect to
x, W1, b1 and W2.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 autodiff/src/test/python/make_higher_order_fixtures.py
"""
import os
import numpy as np
import torch

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "resources", "fixtures")
rng = np.random.default_rng(1919)


def t(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


x = t(rng.uniform(-1, 1, size=(3, 4)))
w = t(rng.uniform(-1, 1, size=(4, 2)))
v = torch.tensor(rng.uniform(-1, 1, size=(3, 4)), dtype=torch.float64)

f = (torch.tanh(x @ w) ** 2).sum() / 3 + (torch.sigmoid(x) * torch.exp(-x) / (1 + x ** 2)).mean()
(gx,) = torch.autograd.grad(f, x, create_graph=True)
(hvp,) = torch.autograd.grad((gx * v).sum(), x)

xd = t(rng.uniform(-1, 1, size=(5, 3)))
w1 = t(rng.uniform(-1, 1, size=(3, 4)))
b1 = t(rng.uniform(-0.5, 0.5, size=(4,)))
w2 = t(rng.uniform(-1, 1, size=(4, 1)))
d = torch.tanh(xd @ w1 + b1) @ w2
(gd,) = torch.autograd.grad(d.sum(), xd, create_graph=True)
penalty = ((gd.pow(2).sum(1).sqrt() - 1) ** 2).mean()
gp = torch.autograd.grad(penalty, [xd, w1, b1, w2])

np.savez(os.path.join(OUT, "hvp.npz"), x=x.detach().numpy(), w=w.detach().numpy(), v=v.numpy(), f=f.detach().numpy(),
         grad=gx.detach().numpy(), hvp=hvp.numpy(),
         gp_x=xd.detach().numpy(), gp_w1=w1.detach().numpy(), gp_b1=b1.detach().numpy(), gp_w2=w2.detach().numpy(),
         gp_penalty=penalty.detach().numpy(), gp_grad_x=gp[0].numpy(), gp_grad_w1=gp[1].numpy(), gp_grad_b1=gp[2].numpy(),
         gp_grad_w2=gp[3].numpy())
print("wrote hvp.npz: f", f.item(), "penalty", penalty.item())
