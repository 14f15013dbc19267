#!/usr/bin/python3
"""PyTorch reference values for Panamax's recurrent ops and layers (LSTM, GRU, causal dilated Conv1D).

Op fixtures (autodiff/src/test/resources/fixtures/op_*.npz, read by PyTorchFixturesTest): float64 inputs, the
output and the gradient of sum(output * w) for every input, exactly as make_fixtures.py writes them. The
recurrent ops' output is Panamax's OpInfo form: y flattened per batch row, then hT (and cT), side by side. The
recurrence is PyTorch's own kernel (torch._VF.lstm / gru, what nn.LSTM / nn.GRU call); the reverse direction is the
same on the time-flipped sequence, as PyTorch's bidirectional layers do.

Layer fixtures (nn/src/test/resources/fixtures/rnn_*.npz, read by RecurrentPyTorchTest): a 2-layer nn.LSTM and a
2-layer bidirectional nn.GRU (batch_first) under a linear head on the last time step, MSE loss, float32 weights
under PyTorch's names (weight_ih_l0, weight_hh_l1_reverse, ...), the loss and every gradient, computed in float64
from those float32 values.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 autodiff/src/test/python/make_rnn_fixtures.py
It has its own random stream, so it leaves make_fixtures.py's files unchanged.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "resources", "fixtures")
NN_OUT = os.path.join(HERE, "..", "..", "..", "..", "nn", "src", "test", "resources", "fixtures")
rng = np.random.default_rng(2121)


def r(*shape, scale=1.0):
    return rng.uniform(-2, 2, size=shape) * scale


def lstm(x, h0, c0, wi, wh, bi, bh, reverse=False):
    xs = x.flip(1) if reverse else x
    y, h, c = torch._VF.lstm(xs, (h0[None], c0[None]), [wi, wh, bi, bh], True, 1, 0.0, False, False, True)
    y = y.flip(1) if reverse else y
    return torch.cat([y.reshape(y.shape[0], -1), h[0], c[0]], 1)


def gru(x, h0, wi, wh, bi, bh, reverse=False):
    xs = x.flip(1) if reverse else x
    y, h = torch._VF.gru(xs, h0[None], [wi, wh, bi, bh], True, 1, 0.0, False, False, True)
    y = y.flip(1) if reverse else y
    return torch.cat([y.reshape(y.shape[0], -1), h[0]], 1)


def conv1d(x, w, dilation, causal):
    pad = (w.shape[0] - 1) * dilation if causal else 0
    y = F.conv1d(F.pad(x.permute(0, 2, 1), (pad, 0)), w.permute(2, 1, 0), dilation=dilation)
    return y.permute(0, 2, 1)


def lstm_inputs(b, t, i, h):
    return [r(b, t, i), r(b, h), r(b, h), r(4 * h, i, scale=0.5), r(4 * h, h, scale=0.5), r(4 * h), r(4 * h)]


def gru_inputs(b, t, i, h):
    return [r(b, t, i), r(b, h), r(3 * h, i, scale=0.5), r(3 * h, h, scale=0.5), r(3 * h), r(3 * h)]


OPS = {
    "lstm": (lambda *a: lstm(*a), lambda: lstm_inputs(2, 4, 3, 5)),
    "lstm reverse": (lambda *a: lstm(*a, reverse=True), lambda: lstm_inputs(3, 3, 2, 9)),
    "gru": (lambda *a: gru(*a), lambda: gru_inputs(2, 4, 3, 5)),
    "gru reverse": (lambda *a: gru(*a, reverse=True), lambda: gru_inputs(3, 3, 2, 9)),
    "conv1d causal dilated": (lambda x, w: conv1d(x, w, 2, True), lambda: [r(2, 9, 3), r(3, 3, 4)]),
    "conv1d valid": (lambda x, w: conv1d(x, w, 1, False), lambda: [r(2, 6, 2), r(3, 2, 5)]),
}


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


def make_layer(kind, bidirectional, out_name):
    """nn.LSTM / nn.GRU (2 layers, batch_first), then Linear(D·H → 1) on the last step's output, MSE to a target."""
    b, t, i, h = 4, 6, 3, 5
    d = 2 if bidirectional else 1
    torch.manual_seed(21)
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    net = cls(i, h, num_layers=2, batch_first=True, bidirectional=bidirectional)
    head = torch.nn.Linear(d * h, 1)
    x32 = torch.tensor(rng.uniform(-1, 1, size=(b, t, i)), dtype=torch.float32)
    target32 = torch.tensor(rng.uniform(-1, 1, size=(b, 1)), dtype=torch.float32)
    weights = {n: p.detach().clone() for n, p in net.named_parameters()}
    weights["head.weight"] = head.weight.detach().clone()
    weights["head.bias"] = head.bias.detach().clone()
    net, head = net.double(), head.double()
    y, _ = net(x32.double())
    pred = head(y[:, -1, :])
    loss = F.mse_loss(pred, target32.double())
    loss.backward()
    arrays = {"x": x32.numpy(), "target": target32.numpy(), "loss": np.array(loss.item()), "pred": pred.detach().numpy()}
    grads = {n: p.grad for n, p in net.named_parameters()}
    grads["head.weight"], grads["head.bias"] = head.weight.grad, head.bias.grad
    for n, w in weights.items():
        arrays[n] = w.numpy()
        arrays["grad." + n] = grads[n].numpy()
    np.savez(os.path.join(NN_OUT, out_name), **arrays)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(NN_OUT, exist_ok=True)
    for name, (fn, inputs) in OPS.items():
        make_op(name, fn, inputs())
    make_layer("lstm", False, "rnn_lstm_2layer.npz")
    make_layer("gru", True, "rnn_gru_2layer_bidirectional.npz")
    print(f"wrote {len(OPS)} op fixtures to {os.path.normpath(OUT)} and 2 layer fixtures to {os.path.normpath(NN_OUT)}")
