package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequentialTest {
    static Sequential tutorialModel() {
        return Models.tutorialCnn(42, 10);
    }

    @Test
    void summaryMatchesKerasForTheTutorialModel() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = tutorialModel().build(28, 28, 1);
            String text = m.summary();
            assertEquals(93_322, m.paramCount());
            assertTrue(text.contains("Total params: 93,322"), text);
            assertTrue(text.contains("conv2d_1 (Conv2D)") && text.contains("(None, 11, 11, 64)") && text.contains("18,496"), text);
            assertTrue(text.contains("max_pooling2d_1 (MaxPooling2D)") && text.contains("(None, 5, 5, 64)"), text);
            assertTrue(text.contains("dense_1 (Dense)") && text.contains("(None, 10)") && text.contains("650"), text);
        }
    }

    /**
     * Conv(relu) → max pool runs as conv → pool → bias+ReLU inside Sequential; layer by layer must give the same
     * output and the same gradient for every weight, for valid and same pooling and a bias that makes ties at 0.
     */
    @Test
    void fusedConvPoolOrderMatchesLayerByLayer() {
        for (String padding : new String[] {"valid", "same"}) {
            try (MemoryScope s = MemoryScope.open("t")) {
                Sequential m = new Sequential(5).add(new Conv2D(4, 3, 3, 1, "valid", 1, "relu")).add(new MaxPooling2D(2, 2, padding, false))
                        .add(new Flatten()).add(new Dense(3, "linear")).build(8, 7, 2);
                m.layers().get(0).params().get(1).value().copyFrom(Tensor.of(new float[] {0.3f, -2f, 0f, 0.1f}, 4));  // filter 1: mostly dead
                Tensor x = Tensor.uniform(new Rng(9), -1, 1, DType.F32, 3, 8, 7, 2);
                Tensor up = Tensor.uniform(new Rng(10), -1, 1, DType.F32, 3, 3);
                List<Var> params = m.params();
                Var fused = m.forward(Var.of(x), true);
                fused.backward(up);
                List<Tensor> fusedGrads = params.stream().map(p -> p.grad().copy()).toList();
                params.forEach(Var::zeroGrad);
                Var h = Var.of(x);
                for (Layer l : m.layers()) h = l.forward(h, true, new Rng(0));
                h.backward(up);
                assertTrue(fused.value().allClose(h.value(), 1e-6, 1e-6), padding + " output");
                for (int i = 0; i < params.size(); i++) {
                    assertTrue(fusedGrads.get(i).allClose(params.get(i).grad(), 1e-5, 1e-6), padding + " gradient " + i);
                }
            }
        }
    }

    /**
     * While training on a sparse cross-entropy, the final softmax Dense hands its logits to the loss: the output must
     * be the softmax layer's, and the loss and every gradient those of the cross-entropy on logits computed here
     * layer by layer; the loss is also the probability form's wherever the clip does not bite.
     */
    @Test
    void softmaxIntoLossMatchesLayerByLayer() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(3).add(new Dense(6, "tanh")).add(new Dense(4, "softmax")).build(5);
            Tensor x = Tensor.uniform(new Rng(4), -1, 1, DType.F32, 8, 5);
            Tensor y = Tensor.of(new long[] {0, 3, 1, 2, 2, 0, 1, 3}, 8);
            List<Var> params = m.params();
            Model.OutputAndLoss fused = m.forwardWithLoss(Var.of(x), y, Loss.byName("sparse_categorical_crossentropy", false), true);
            fused.loss().backward();
            List<Tensor> fusedGrads = params.stream().map(p -> p.grad().copy()).toList();
            params.forEach(Var::zeroGrad);

            Dense hidden = (Dense) m.layers().get(0), last = (Dense) m.layers().get(1);
            Var h = hidden.forward(Var.of(x), true, new Rng(0));
            Var logits = F.biasAdd(F.matmul(h, last.params().get(0)), last.params().get(1));
            Var reference = F.crossEntropyFromLogits(logits, y);
            Tensor probs = last.forward(h, true, new Rng(0)).value();
            Tensor clipped = F.crossEntropyFromProbs(Var.of(probs), y, 1e-7).value();
            reference.backward();

            assertTrue(fused.output().value().allClose(probs, 1e-6, 1e-7), "output is the softmax layer's");
            assertEquals(reference.value().item(), fused.loss().value().item(), 1e-6);
            assertEquals(clipped.item(), fused.loss().value().item(), 1e-5);
            for (int i = 0; i < params.size(); i++) {
                assertTrue(fusedGrads.get(i).allClose(params.get(i).grad(), 1e-5, 1e-7), "gradient " + i);
            }
        }
    }

    /** The pass rewrites the tutorial CNN's two conv+pool pairs, and its softmax head only for a loss that has a logits form. */
    @Test
    void theRewritePassFusesWhatItKnowsAndNothingElse() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = tutorialModel().build(28, 28, 1);
            assertEquals(8, m.layers().size());
            assertEquals(6, Fusion.rewrite(m.layers(), null).stages().size(), "two conv+pool pairs become one op each");
            assertNull(Fusion.rewrite(m.layers(), null).head());
            FusedStack ce = Fusion.rewrite(m.layers(), Loss.byName("sparse_categorical_crossentropy", false));
            assertEquals(5, ce.stages().size(), "the softmax Dense moves into the head");
            FusedStack mse = Fusion.rewrite(m.layers(), Loss.byName("mse", false));
            assertEquals(6, mse.stages().size(), "mse has no logits form: the softmax stays a stage");
            assertNotNull(mse.head());
            Sequential avg = new Sequential(1).add(new Conv2D(2, 3, "relu")).add(new MaxPooling2D(2, 2, "valid", true)).build(6, 6, 1);
            assertEquals(2, Fusion.rewrite(avg.layers(), null).stages().size(), "average pooling is not fused");
        }
    }

    @Test
    void badLayersAndBuildsGiveClearErrors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            assertThrows(IllegalArgumentException.class, () -> new Dense(0, "relu"));
            assertThrows(IllegalArgumentException.class, () -> Activations.byName("swoosh"));
            assertThrows(IllegalArgumentException.class, () -> new Sequential(1).add(new Reshape(5)).build(4, 4), "16 values into 5");
            Sequential built = new Sequential(1).add(new Dense(2, "relu")).build(3);
            assertThrows(IllegalStateException.class, () -> built.build(4), "built for other inputs");
            assertThrows(IllegalStateException.class, () -> built.add(new Dense(1, null)), "layers come before build");
            Var x = Var.of(Tensor.zeros(DType.F32, 1, 3));
            assertThrows(IllegalStateException.class, () -> new Sequential(1).add(new Dense(1, null)).forward(x, false), "forward needs a build");
        }
    }
}
