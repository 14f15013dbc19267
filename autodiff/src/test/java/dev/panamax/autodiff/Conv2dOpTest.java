package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.op.Conv2d;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * The blocked F32 convolution op against the whole-batch composite (patches, then one product), forward and
 * both gradients, on the MNIST CNN's second layer (one image per block, so each thread runs several blocks
 * and sums several weight-gradient pieces), a single image, a strided 'same' layer, a non-contiguous input, and
 * the fused bias (+ ReLU) epilogue against separate bias ops, and the fused max pooling against the pooling op.
 * Winograd's shapes ('same' padding with the epilogue, output channels in a pair of vectors) run the same check.
 * Tolerances are float rounding, measured against each result's largest value: the two sum the same products in a
 * different order, and Winograd's F(4 × 4, 3 × 3) transforms round more ({@code WinogradConvTest} bounds that against
 * the F64 definition; here the MNIST second layer's output differs by 2.0e-5 where it reaches 5.2). Where a ReLU
 * output lies that close to the kink, the two may take different sides (measured: one of 54,208 outputs, 1.2e-7
 * against 0), so the upstream gradient is zeroed there rather than the tolerance widened for every element.
 */
class Conv2dOpTest {
    private enum Epilogue { NONE, BIAS, BIAS_RELU, MAX_POOL }

    private static final Conv2d.MaxPool POOL_2X2 = new Conv2d.MaxPool(2, 2, 2, 2, Padding.VALID);

    private static void check(String what, Tensor x, long[] kernel, int[] strides, int[] dilation, Padding padding) {
        check(what, x, kernel, strides, dilation, padding, Epilogue.NONE);
    }

    private static void check(String what, Tensor x, long[] kernel, int[] strides, int[] dilation, Padding padding,
                              Epilogue epilogue) {
        check(what, x, kernel, strides, dilation, padding, epilogue, POOL_2X2);
    }

    /** {@code pool} is used by the MAX_POOL epilogue only. */
    private static void check(String what, Tensor x, long[] kernel, int[] strides, int[] dilation, Padding padding,
                              Epilogue epilogue, Conv2d.MaxPool pool) {
        Tensor k = Tensor.uniform(new Rng(7), -0.2, 0.2, DType.F32, kernel);
        Tensor bias = Tensor.uniform(new Rng(9), -0.5, 0.5, DType.F32, kernel[3]);
        Var xa = Var.param(x.contiguous()), xb = Var.param(x.contiguous()), ka = Var.param(k.copy()), kb = Var.param(k.copy());
        Var ba = Var.param(bias.copy()), bb = Var.param(bias.copy());
        Var ya, yb = F.conv2dComposite(xb, kb, strides, dilation, padding);
        if (epilogue == Epilogue.NONE) {
            ya = F.conv2d(xa, ka, strides, dilation, padding);
        } else if (epilogue == Epilogue.MAX_POOL) {
            ya = F.conv2dMaxPool(xa, ka, strides, dilation, padding, new int[] {pool.kh(), pool.kw()}, new int[] {pool.sh(), pool.sw()}, pool.padding());
            yb = F.maxPool2d(yb, new int[] {pool.kh(), pool.kw()}, new int[] {pool.sh(), pool.sw()}, pool.padding());
            try (GradMode.Switch off = GradMode.noGrad()) {  // inference keeps no winners: the same values, bit for bit
                Var inference = F.conv2dMaxPool(xa, ka, strides, dilation, padding, new int[] {pool.kh(), pool.kw()},
                        new int[] {pool.sh(), pool.sw()}, pool.padding());
                assertEquals(0.0, inference.value().sub(ya.value()).abs().max().item(), what + " inference forward");
            }
        } else {
            boolean relu = epilogue == Epilogue.BIAS_RELU;
            ya = F.conv2dBiasAct(xa, ka, ba, strides, dilation, padding, relu);
            yb = relu ? F.biasRelu(yb, bb) : F.biasAdd(yb, bb);
        }
        assertEquals(java.util.Arrays.toString(yb.value().shape()), java.util.Arrays.toString(ya.value().shape()), what + " shape");
        assertClose(ya.value(), yb.value(), 1e-5, what + " forward");
        Tensor up = Tensor.uniform(new Rng(8), -1, 1, DType.F32, ya.value().shape());
        if (epilogue == Epilogue.BIAS_RELU) up = awayFromTheKink(up, ya.value(), yb.value(), 1e-5 * Math.max(1, largest(yb.value())));
        ya.backward(up);
        yb.backward(up);
        assertClose(xa.grad(), xb.grad(), 1e-5, what + " input gradient");
        assertClose(ka.grad(), kb.grad(), 1e-4, what + " kernel gradient");
        if (epilogue == Epilogue.BIAS || epilogue == Epilogue.BIAS_RELU) assertClose(ba.grad(), bb.grad(), 1e-4, what + " bias gradient");
    }

    /** Each element within {@code rtol} of its own size, or of the largest (at least 1), as float rounding allows. */
    private static void assertClose(Tensor got, Tensor want, double rtol, String what) {
        double largest = largest(want);
        assertTrue(got.allClose(want, rtol, rtol * Math.max(1, largest)), what + ": largest difference "
                + got.sub(want).abs().max().item() + " where the values reach " + largest);
    }

    private static double largest(Tensor t) {
        return t.abs().max().item();
    }

    /** {@code up} with zeros where either ReLU output is positive but within {@code tol} of 0. */
    private static Tensor awayFromTheKink(Tensor up, Tensor ya, Tensor yb, double tol) {
        float[] u = up.toFloatArray(), a = ya.contiguous().toFloatArray(), b = yb.contiguous().toFloatArray();
        for (int i = 0; i < u.length; i++) {
            if (a[i] > 0 && a[i] <= tol || b[i] > 0 && b[i] <= tol) u[i] = 0;
        }
        return Tensor.of(u, up.shape());
    }

    @Test
    void blockedConvolutionMatchesTheWholeBatchComposite() {
        int[] one = {1, 1};
        try (MemoryScope s = MemoryScope.open("conv")) {
            Rng rng = new Rng(3);
            check("MNIST conv2, 7 images", Tensor.uniform(rng, -1, 1, DType.F32, 7, 13, 13, 32), new long[] {3, 3, 32, 64},
                    one, one, Padding.VALID);
            check("MNIST conv1, 1 image", Tensor.uniform(rng, 0, 1, DType.F32, 1, 28, 28, 1), new long[] {3, 3, 1, 32},
                    one, one, Padding.VALID);
            check("strided, dilated, same", Tensor.uniform(rng, -1, 1, DType.F32, 3, 11, 9, 5), new long[] {3, 2, 5, 4},
                    new int[] {2, 3}, new int[] {2, 1}, Padding.SAME);
            check("MNIST conv2 with bias and ReLU, 7 images", Tensor.uniform(rng, -1, 1, DType.F32, 7, 13, 13, 32),
                    new long[] {3, 3, 32, 64}, one, one, Padding.VALID, Epilogue.BIAS_RELU);
            check("MNIST conv3 with bias, 5 images", Tensor.uniform(rng, -1, 1, DType.F32, 5, 5, 5, 64),
                    new long[] {3, 3, 64, 64}, one, one, Padding.VALID, Epilogue.BIAS);
            check("MNIST conv1 with bias and ReLU, 9 images", Tensor.uniform(rng, 0, 1, DType.F32, 9, 28, 28, 1),
                    new long[] {3, 3, 1, 32}, one, one, Padding.VALID, Epilogue.BIAS_RELU);
            check("strided, dilated, 2 channels, with bias", Tensor.uniform(rng, -1, 1, DType.F32, 3, 11, 10, 2),
                    new long[] {2, 3, 2, 16}, new int[] {2, 1}, new int[] {1, 2}, Padding.VALID, Epilogue.BIAS);
            check("MNIST conv1 + max pool, 9 images", Tensor.uniform(rng, 0, 1, DType.F32, 9, 28, 28, 1),
                    new long[] {3, 3, 1, 32}, one, one, Padding.VALID, Epilogue.MAX_POOL);
            check("MNIST conv2 + max pool (11 → 5 drops a row), 7 images", Tensor.uniform(rng, -1, 1, DType.F32, 7, 13, 13, 32),
                    new long[] {3, 3, 32, 64}, one, one, Padding.VALID, Epilogue.MAX_POOL);
            check("strided conv + 3 × 3 'same' max pool, 1 image", Tensor.uniform(rng, -1, 1, DType.F32, 1, 12, 11, 3),
                    new long[] {2, 2, 3, 8}, new int[] {1, 2}, one, Padding.SAME, Epilogue.MAX_POOL,
                    new Conv2d.MaxPool(3, 3, 2, 2, Padding.SAME));
            check("Winograd, 'same', bias and ReLU, 5 images", Tensor.uniform(rng, -1, 1, DType.F32, 5, 12, 11, 16),
                    new long[] {3, 3, 16, 64}, one, one, Padding.SAME, Epilogue.BIAS_RELU);
            check("Winograd on two vectors of output channels, 3 images", Tensor.uniform(rng, -1, 1, DType.F32, 3, 10, 9, 8),
                    new long[] {3, 3, 8, 32}, one, one, Padding.VALID);
            Tensor wide = Tensor.uniform(rng, -1, 1, DType.F32, 3, 8, 9, 6);
            check("non-contiguous input", wide.transpose(1, 2), new long[] {3, 3, 6, 8}, one, one, Padding.VALID);
        }
    }

    /**
     * The first layer's pooling fused into its convolution when the input takes no gradient (training's first layer):
     * the kernel gradient comes from the pooled gradient and the winners, never from the full-size one. 70 images: two
     * ranges of several blocks each.
     */
    @Test
    void firstLayerWithItsPoolingFusedMatchesTheComposite() {
        int[] one = {1, 1}, two = {2, 2};
        try (MemoryScope s = MemoryScope.open("conv")) {
            Tensor x = Tensor.uniform(new Rng(11), 0, 1, DType.F32, 70, 28, 28, 1);
            Tensor k = Tensor.uniform(new Rng(7), -0.2, 0.2, DType.F32, 3, 3, 1, 32);
            Var ka = Var.param(k.copy()), kb = Var.param(k.copy());
            Var ya = F.conv2dMaxPool(Var.of(x), ka, one, one, Padding.VALID, two, two, Padding.VALID);
            Var yb = F.maxPool2d(F.conv2dComposite(Var.of(x), kb, one, one, Padding.VALID), two, two, Padding.VALID);
            assertClose(ya.value(), yb.value(), 1e-5, "fused first layer forward");
            Tensor up = Tensor.uniform(new Rng(8), -1, 1, DType.F32, ya.value().shape());
            ya.backward(up);
            yb.backward(up);
            assertClose(ka.grad(), kb.grad(), 1e-4, "fused first layer kernel gradient");
        }
    }

    @Test
    void anEmptyBatchGivesEmptyOutputAndAZeroKernelGradient() {
        try (MemoryScope s = MemoryScope.open("conv")) {
            Var x = Var.param(Tensor.zeros(DType.F32, 0, 5, 5, 2));
            Var k = Var.param(Tensor.ones(DType.F32, 3, 3, 2, 4));
            Var y = F.conv2d(x, k, new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
            assertEquals("[0, 3, 3, 4]", java.util.Arrays.toString(y.value().shape()));
            y.backward(Tensor.zeros(DType.F32, 0, 3, 3, 4));
            assertTrue(k.grad().allClose(Tensor.zeros(DType.F32, 3, 3, 2, 4), 0, 0));
        }
    }

    @Test
    void aKernelOfTheWrongShapeIsRefusedWithItsShape() {
        try (MemoryScope s = MemoryScope.open("conv")) {
            Var x = Var.of(Tensor.zeros(DType.F32, 1, 5, 5, 2));
            Var k = Var.of(Tensor.zeros(DType.F32, 3, 3, 3, 4));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> F.conv2d(x, k, new int[] {1, 1}, new int[] {1, 1}, Padding.VALID));
            assertTrue(e.getMessage().contains("[3, 3, 3, 4]"), e.getMessage());
        }
    }
}
