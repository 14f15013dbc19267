"""Writes the small ONNX models that OpsOrtTest runs through Panamax's importer and ONNX Runtime.

Each model has one float input named 'x' with a static shape (read back from the file by the test) and one
output; weights are seeded random initializers. Models named bad_*.onnx are ones the importer must refuse with a
clear message. Run from the repository root with the system Python and python3-onnx:

    /usr/bin/python3 onnx/src/test/python/make_op_models.py
"""
import os

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, shape_inference

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "ops")
rng = np.random.default_rng(20240611)


def weight(name, *shape, positive=False):
    v = rng.standard_normal(shape).astype(np.float32) * 0.5
    if positive:
        v = np.abs(v) + 0.5
    return numpy_helper.from_array(v, name)


def save(name, nodes, x_shape, inits=(), opset=13, check=True):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, name, [x], [y], initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_op_models.py")
    model.ir_version = 8
    if check:
        model = shape_inference.infer_shapes(model, strict_mode=True)  # also declares the output's shape
        checker.check_model(model)
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def conv(name, x_shape, w_shape, bias=True, **attrs):
    inputs = ["x", "w"] + (["b"] if bias else [])
    inits = [weight("w", *w_shape)] + ([weight("b", w_shape[0])] if bias else [])
    save(name, [helper.make_node("Conv", inputs, ["y"], **attrs)], x_shape, inits)


def pool(name, op, x_shape, opset=13, **attrs):
    save(name, [helper.make_node(op, ["x"], ["y"], **attrs)], x_shape, opset=opset)


# Conv: explicit uneven padding, stride 2, odd sizes, batch 1; SAME_UPPER/LOWER; VALID with a leftover; dilation;
# grouped and depthwise; 1x1 without bias.
conv("conv_pads_stride2", (1, 3, 11, 9), (5, 3, 3, 3), pads=[1, 2, 0, 1], strides=[2, 2])
conv("conv_same_upper", (2, 4, 10, 7), (6, 4, 3, 2), auto_pad="SAME_UPPER", strides=[2, 1])
conv("conv_same_lower", (1, 2, 9, 8), (3, 2, 4, 4), auto_pad="SAME_LOWER", strides=[2, 3])
conv("conv_valid_leftover", (1, 3, 13, 12), (4, 3, 5, 5), auto_pad="VALID", strides=[3, 3], kernel_shape=[5, 5])
conv("conv_dilated", (2, 3, 12, 10), (4, 3, 3, 3), bias=False, pads=[2, 1, 2, 1], dilations=[2, 2])
conv("conv_grouped", (2, 4, 7, 7), (6, 2, 3, 3), group=2, pads=[1, 1, 1, 1])
conv("conv_depthwise", (1, 4, 9, 9), (8, 1, 3, 3), group=4, pads=[1, 1, 1, 1], strides=[2, 2])
conv("conv_1x1", (3, 5, 4, 6), (7, 5, 1, 1), bias=False)

# Pooling: padding (never the maximum), SAME_UPPER with an uneven kernel, dilation; averages with and without the
# padding counted; global pools.
pool("maxpool_pads_stride2", "MaxPool", (2, 3, 9, 8), kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
pool("maxpool_same_upper", "MaxPool", (1, 2, 7, 5), opset=12, kernel_shape=[2, 3], auto_pad="SAME_UPPER", strides=[2, 2])
pool("maxpool_dilated", "MaxPool", (1, 3, 10, 9), opset=12, kernel_shape=[2, 2], dilations=[2, 2], pads=[1, 0, 1, 0])
pool("maxpool_mnist", "MaxPool", (7, 32, 26, 26), kernel_shape=[2, 2], strides=[2, 2])
pool("avgpool_include_pad", "AveragePool", (2, 3, 8, 7), kernel_shape=[3, 2], pads=[1, 0, 2, 1], strides=[2, 1],
     count_include_pad=1)
pool("avgpool_exclude_pad", "AveragePool", (1, 4, 9, 9), kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
pool("avgpool_same_upper", "AveragePool", (2, 2, 7, 6), kernel_shape=[2, 2], auto_pad="SAME_UPPER", strides=[2, 2])
pool("globalavgpool", "GlobalAveragePool", (2, 5, 7, 3))
pool("globalmaxpool", "GlobalMaxPool", (2, 5, 7, 3))

# BatchNormalization (inference) on images and on (N, C) rows.
for name, shape in (("batchnorm", (2, 3, 5, 4)), ("batchnorm_rows", (6, 3))):
    save(name, [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3)], shape,
         [weight("s", 3), weight("b", 3), weight("m", 3), weight("v", 3, positive=True)], opset=15)

# Activations with parameters; Clip's bounds as attributes (opset 10) and as inputs (opset 13, one omitted).
save("leakyrelu", [helper.make_node("LeakyRelu", ["x"], ["y"], alpha=0.1)], (3, 4, 5))
save("elu", [helper.make_node("Elu", ["x"], ["y"], alpha=0.7)], (3, 4, 5))
save("hardsigmoid", [helper.make_node("HardSigmoid", ["x"], ["y"], alpha=0.3, beta=0.4)], (3, 4, 5))
save("clip_attributes", [helper.make_node("Clip", ["x"], ["y"], min=-0.5, max=0.7)], (3, 4, 5), opset=10)
save("clip_inputs", [helper.make_node("Clip", ["x", "lo", ""], ["y"])], (3, 4, 5),
     [numpy_helper.from_array(np.array(-0.25, dtype=np.float32), "lo")])

# A small CNN and an MLP made of the above with the operators that already existed.
save("small_cnn", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Conv", ["p1", "w2"], ["c2"], strides=[2, 2], auto_pad="SAME_UPPER"),
    helper.make_node("BatchNormalization", ["c2", "s", "bb", "m", "v"], ["n2"]),
    helper.make_node("LeakyRelu", ["n2"], ["l2"]),
    helper.make_node("GlobalAveragePool", ["l2"], ["g"]),
    helper.make_node("Flatten", ["g"], ["f"]),
    helper.make_node("Gemm", ["f", "wd", "bd"], ["d"], transB=1),
    helper.make_node("Softmax", ["d"], ["y"]),
], (2, 3, 15, 13), [weight("w1", 8, 3, 3, 3), weight("b1", 8), weight("w2", 6, 8, 3, 3), weight("s", 6), weight("bb", 6),
                    weight("m", 6), weight("v", 6, positive=True), weight("wd", 5, 6), weight("bd", 5)])
save("small_mlp", [
    helper.make_node("Flatten", ["x"], ["f"]),
    helper.make_node("Gemm", ["f", "w1", "b1"], ["h1"], alpha=0.5, beta=2.0),
    helper.make_node("Tanh", ["h1"], ["t1"]),
    helper.make_node("Dropout", ["t1"], ["d1"]),
    helper.make_node("MatMul", ["d1", "w2"], ["h2"]),
    helper.make_node("Add", ["h2", "b2"], ["a2"]),
    helper.make_node("Clip", ["a2", "lo", "hi"], ["c2"]),
    helper.make_node("Sigmoid", ["c2"], ["y"]),
], (4, 2, 3, 5), [weight("w1", 30, 16), weight("b1", 16), weight("w2", 16, 3), weight("b2", 3),
                  numpy_helper.from_array(np.array(-1.0, dtype=np.float32), "lo"),
                  numpy_helper.from_array(np.array(0.5, dtype=np.float32), "hi")])

# What the importer refuses, each with a message that names the node and the fix. The two MaxPool ones and
# bad_batchnorm_training are imported now: OpsOrtTest compares the MaxPool ones with ONNX Runtime, and the node tests
# cover training-mode BatchNormalization.
pool("bad_maxpool_ceil_mode", "MaxPool", (1, 1, 5, 5), kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
save("bad_maxpool_indices", [helper.make_node("MaxPool", ["x"], ["y", "idx"], kernel_shape=[2, 2])], (1, 1, 4, 4))
save("bad_conv_3d", [helper.make_node("Conv", ["x", "w"], ["y"])], (1, 1, 4, 4, 4), [weight("w", 2, 1, 2, 2, 2)])
save("bad_conv_group_mismatch", [helper.make_node("Conv", ["x", "w"], ["y"], group=2)], (1, 4, 5, 5), [weight("w", 4, 3, 3, 3)],
     check=False)
save("bad_batchnorm_training", [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], training_mode=1)],
     (2, 3, 4, 4), [weight("s", 3), weight("b", 3), weight("m", 3), weight("v", 3, positive=True)], opset=15, check=False)
save("bad_avgpool_dilated", [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], dilations=[2, 2])], (1, 1, 6, 6),
     opset=13, check=False)
save("bad_conv_auto_pad_with_pads", [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", pads=[1, 1, 1, 1])],
     (1, 1, 5, 5), [weight("w", 1, 1, 3, 3)], check=False)
