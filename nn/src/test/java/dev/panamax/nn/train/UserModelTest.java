package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model a user writes against the {@link Model} contract alone, with no layers, trains through the Trainer. */
class UserModelTest {
    /** A two-layer perceptron written with F ops; it records the mode of every forward call. */
    static final class TinyMlp implements Model {
        private final Rng rng;
        private final int hidden, classes;
        private final List<Var> params = new ArrayList<>();
        private long[] inputShape;
        final List<Boolean> modes = new ArrayList<>();

        TinyMlp(long seed, int hidden, int classes) {
            this.rng = new Rng(seed);
            this.hidden = hidden;
            this.classes = classes;
        }

        @Override
        public TinyMlp build(long... shape) {
            if (inputShape != null) return this;
            double r1 = Math.sqrt(6.0 / (shape[0] + hidden)), r2 = Math.sqrt(6.0 / (hidden + classes));
            params.add(Var.param(Tensor.uniform(rng, -r1, r1, DType.F32, shape[0], hidden)));
            params.add(Var.param(Tensor.zeros(DType.F32, hidden)));
            params.add(Var.param(Tensor.uniform(rng, -r2, r2, DType.F32, hidden, classes)));
            params.add(Var.param(Tensor.zeros(DType.F32, classes)));
            inputShape = shape.clone();
            return this;
        }

        @Override
        public long[] inputShape() {
            return inputShape == null ? null : inputShape.clone();
        }

        @Override
        public long[] outputShape() {
            return inputShape == null ? null : new long[] {classes};
        }

        @Override
        public Var forward(Var x, boolean training) {
            modes.add(training);
            Var h = F.relu(F.biasAdd(F.matmul(x, params.get(0)), params.get(1)));
            return F.softmax(F.biasAdd(F.matmul(h, params.get(2)), params.get(3)), -1);
        }

        @Override
        public List<Var> params() {
            return Collections.unmodifiableList(params);
        }
    }

    @Test
    void aUserModelTrainsWithValidationInInferenceMode(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor[] d = SyntheticData.wedgesAndRing(400, 3);
            TinyMlp m = new TinyMlp(5, 24, 3);
            Trainer trainer = new Trainer(m, new Adam(0.02), Loss.byName("sparse_categorical_crossentropy", false));
            History h = trainer.fit(d[0], d[1], FitOptions.builder().epochs(30).batchSize(30).validationSplit(0.25).build());
            assertTrue(h.get("loss").getLast() < 0.4, "loss " + h.get("loss"));
            assertTrue(h.get("val_accuracy").getLast() > 0.88, "validation accuracy " + h.get("val_accuracy"));

            // 300 training examples in batches of 30 and 100 held out (one validation batch): ten training calls,
            // then one in inference mode, every epoch.
            List<Boolean> epoch = new ArrayList<>(Collections.nCopies(10, true));
            epoch.add(false);
            List<Boolean> expected = new ArrayList<>();
            for (int e = 0; e < 30; e++) expected.addAll(epoch);
            assertEquals(expected, m.modes);

            ModelIo.save(m, dir);
            TinyMlp again = new TinyMlp(6, 24, 3).build(2);
            ModelIo.loadWeights(again, dir);
            try (Predictor p = new Predictor(again)) {
                Tensor a = trainer.predict(d[0], 100), b = p.predict(d[0], 100);
                assertArrayEquals(a.toFloatArray(), b.toFloatArray());
                a.close();
                b.close();
            }
            trainer.close();
        }
    }
}
