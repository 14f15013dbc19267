#!/usr/bin/env python3
"""PyTorch's twin of `./panamax train mnist`, for the harness's whole-process row (`panamax compare --only mnist-process`).

The same job as the Panamax command, start to end, in one process: read the MNIST IDX files, train the tutorial's CNN
for --epochs epochs of batch 32 from Panamax's seed-42 initial weights (the harness's cnn.safetensors, which is what
`./panamax train mnist` starts from) with Adam (lr 1e-3, eps 1e-7) decaying along a cosine to 0 over the run, evaluate
the test set after every epoch, and save the weights. The pixels stay uint8 until a batch is built, as Panamax keeps
them, and a shuffled batch is gathered and scaled in one step. Prints the accuracy line in the Panamax command's
format; the harness runs it under GNU time's -v for wall time, CPU time and peak resident memory.

Usage: train_mnist.py --inputs DIR --threads N --epochs E --out FILE
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worker import TutorialCnn, read_idx, read_safetensors  # noqa: E402


def split(inputs, name):
    with open(os.path.join(inputs, "data.json")) as f:
        files = json.load(f)
    images = torch.from_numpy(read_idx(files[name + "_images"]).copy())  # (N, 28, 28) uint8
    labels = torch.from_numpy(read_idx(files[name + "_labels"]).astype(np.int64))
    return images, labels


def batch(images, idx):
    return images[idx].unsqueeze(1).float().mul_(1.0 / 255)  # (B, 1, 28, 28) in [0, 1]


def evaluate(model, images, labels, size=500):
    model.eval()
    loss = correct = 0.0
    with torch.no_grad():
        for start in range(0, images.shape[0], size):
            idx = torch.arange(start, min(start + size, images.shape[0]))
            logits = model(batch(images, idx))
            loss += F.cross_entropy(logits, labels[idx], reduction="sum").item()
            correct += (logits.argmax(1) == labels[idx]).sum().item()
    model.train()
    return correct / images.shape[0], loss / images.shape[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--inputs", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    train_x, train_y = split(args.inputs, "train")
    test_x, test_y = split(args.inputs, "test")
    model = TutorialCnn(read_safetensors(os.path.join(args.inputs, "cnn.safetensors")))
    steps_per_epoch = math.ceil(train_x.shape[0] / args.batch_size)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    # Keras' CosineDecay to 0, as Models.tutorialAdam: step s of the run uses lr * (1 + cos(pi * s / total)) / 2.
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.randperm(train_x.shape[0])
        for start in range(0, train_x.shape[0], args.batch_size):
            idx = order[start:start + args.batch_size]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(batch(train_x, idx)), train_y[idx]).backward()
            opt.step()
            schedule.step()
        accuracy, loss = evaluate(model, test_x, test_y)
        print(f"Epoch {epoch + 1}/{args.epochs}: val_accuracy {accuracy:.4f}, val_loss {loss:.4f}", flush=True)
    seconds = time.perf_counter() - t0
    accuracy, loss = evaluate(model, test_x, test_y)
    print(f"Test accuracy {accuracy:.4f}, test loss {loss:.4f}; trained in {seconds:.1f} s "
          f"({train_x.shape[0] * args.epochs / seconds:,.0f} samples/s)")
    torch.save(model.state_dict(), args.out + ".tmp")
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
