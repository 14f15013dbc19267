package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.ConvTransposeOpInfos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The transposed convolution in F32 against the scalar loop over a grid of awkward geometries: strides 1 and 2,
 * kernels 3, 4 and 5, both paddings, odd channel counts that leave vector tails, size-1 images, and batches large
 * enough for the engine to split them into image ranges; and its one-line errors.
 */
class Conv2dTransposeTest {
    @Test
    void matchesTheScalarLoopOnAwkwardShapes() {
        long[][] inputs = {{9, 5, 3, 7}, {1, 1, 1, 1}, {3, 1, 4, 2}, {17, 2, 2, 19}};
        int[] filters = {9, 1, 3, 5};
        long seed = 0;
        for (int stride : new int[] {1, 2}) {
            for (int k : new int[] {3, 4, 5}) {
                for (Padding pad : Padding.values()) {
                    for (int i = 0; i < inputs.length; i++) {
                        try (MemoryScope s = MemoryScope.open("conv2d_transpose")) {
                            long[] in = inputs[i];
                            Tensor x = Tensor.uniform(new Rng(++seed), -1, 1, DType.F32, in);
                            Tensor kernel = Tensor.uniform(new Rng(++seed), -1, 1, DType.F32, k, k, filters[i], in[3]);
                            Tensor got = F.conv2dTranspose(Var.of(x), Var.of(kernel), new int[] {stride, stride}, pad).value();
                            Tensor want = ConvTransposeOpInfos.transposeReference(x.to(DType.F64), kernel.to(DType.F64), stride, stride, pad);
                            String what = "x " + Arrays.toString(in) + " kernel " + k + " stride " + stride + " " + pad;
                            assertTrue(Arrays.equals(want.shape(), got.shape()), what + ": shape " + Arrays.toString(got.shape()) + " vs " + Arrays.toString(want.shape()));
                            assertTrue(got.to(DType.F64).allClose(want, 1e-5, 1e-5), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aKernelForOtherChannelsIsAOneLineError() {
        try (MemoryScope s = MemoryScope.open("conv2d_transpose error")) {
            Var x = Var.of(Tensor.zeros(DType.F32, 1, 3, 3, 4)), k = Var.of(Tensor.zeros(DType.F32, 3, 3, 2, 5));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> F.conv2dTranspose(x, k, new int[] {2, 2}, Padding.SAME));
            assertTrue(e.getMessage().contains("kernel (3, 3, F, C) with the input's C") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
