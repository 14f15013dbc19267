#!/usr/bin/python3
"""PyTorch reference values for the generator's upsampling ops: transposed convolution and nearest upsampling.

Op fixtures (autodiff/src/test/resources/fixtures/op_*.npz, read by PyTorchFixturesTest): float64 inputs, the output
and the gradient of sum(output * w) for every input, exactly as make_fixtures.py writes them.

conv2d_transpose: Panamax's x is NHWC and its kernel (KH, KW, F, C) (Keras' Conv2DTranspose layout); PyTorch's
ConvTranspose2d takes NCHW and a (C, F, KH, KW) weight. Keras' sizes: 'valid' OH = H*s + max(K - s, 0), 'same'
OH = H*s. PyTorch's full result ((H-1)*s + K rows, padding 0) is cropped to OH rows from row max((H-1)*s + K - OH, 0)//2
(TensorFlow's 'same' split: the extra row at the bottom), or padded with zero rows at the bottom when OH is larger
(a kernel smaller than the stride).

Run with Debian's PyTorch 1.13:  /usr/bin/python3 autodiff/src/test/python/make_gan_fixtures.py
It has its own random stream, so it leaves the other scripts' files unchanged.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "resources", "fixtures")
rng = np.random.default_rng(2122)


def r(*shape):
    return rng.uniform(-2, 2, size=shape)


def out_size(n, k, s, same):
    return n * s if same else n * s + max(k - s, 0)


def fit(y, axis, size):
    """Crop (or zero-pad at the end) PyTorch's full (n-1)*s + k along axis to Keras' size."""
    full = y.shape[axis]
    top = max(full - size, 0) // 2
    y = y.narrow(axis, top, min(size, full - top))
    missing = size - y.shape[axis]
    if missing > 0:
        pad = [0, 0] * (y.dim() - 1 - axis) + [0, missing]
        y = F.pad(y, pad)
    return y


def conv_transpose(x, w, stride, same):
    sh, sw = stride
    kh, kw = w.shape[0], w.shape[1]
    y = F.conv_transpose2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), stride=stride)
    h, wd = x.shape[1], x.shape[2]
    y = fit(y, 2, out_size(h, kh, sh, same))
    y = fit(y, 3, out_size(wd, kw, sw, same))
    return y.permute(0, 2, 3, 1)


def up_sampling(x, fh, fw):
    return F.interpolate(x.permute(0, 3, 1, 2), scale_factor=(fh, fw), mode="nearest").permute(0, 2, 3, 1)


OPS = {
    "conv2d_transpose valid": (lambda x, w: conv_transpose(x, w, (2, 2), False), lambda: [r(2, 3, 2, 3), r(4, 3, 2, 3)]),
    "conv2d_transpose same strided": (lambda x, w: conv_transpose(x, w, (2, 2), True), lambda: [r(2, 3, 4, 2), r(5, 4, 3, 2)]),
    "conv2d_transpose same": (lambda x, w: conv_transpose(x, w, (1, 1), True), lambda: [r(1, 4, 3, 2), r(3, 3, 2, 2)]),
    "conv2d_transpose kernel below stride": (lambda x, w: conv_transpose(x, w, (3, 2), False), lambda: [r(1, 2, 3, 2), r(1, 1, 2, 2)]),
    "up_sampling2d": (lambda x: up_sampling(x, 2, 3), lambda: [r(2, 3, 2, 3)]),
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


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, (fn, inputs) in OPS.items():
        make_op(name, fn, inputs())
    print(f"wrote {len(OPS)} op fixtures to {os.path.normpath(OUT)}")
