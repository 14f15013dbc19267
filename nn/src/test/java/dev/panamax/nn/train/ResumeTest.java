package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.optim.Sgd;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training 3 epochs straight and training 2, checkpointing, resuming in a new model and training 1 give the same weights. */
class ResumeTest {
    static Sequential model() {
        return new Sequential(11).add(new Dense(6, "tanh")).add(new Dense(3, "softmax")).build(4);
    }

    static float[] weights(Sequential m) {
        List<Var> ps = m.params();
        int n = (int) ps.stream().mapToLong(p -> p.value().numel()).sum(), at = 0;
        float[] all = new float[n];
        for (Var p : ps) {
            float[] w = p.value().toFloatArray();
            System.arraycopy(w, 0, all, at, w.length);
            at += w.length;
        }
        return all;
    }

    @Test
    void resumingFromACheckpointContinuesExactly(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.uniform(new Rng(1), -1, 1, DType.F32, 60, 4);
            Tensor y = Tensor.of(java.util.stream.LongStream.range(0, 60).map(i -> i % 3).toArray(), 60);
            Loss loss = Loss.byName("sparse_categorical_crossentropy", false);
            Sequential straight = model();
            new Trainer(straight, new Adam(0.01), loss).fit(x, y, FitOptions.builder().epochs(3).batchSize(8).build());

            Sequential first = model();
            new Trainer(first, new Adam(0.01), loss).fit(x, y, FitOptions.builder().epochs(2).batchSize(8)
                    .callbacks(new Callbacks.ModelCheckpoint(dir, "loss", false).resumable()).build());
            Adam restored = new Adam(0.01);
            ModelIo.Checkpoint cp = ModelIo.resume(dir, restored);
            assertEquals(2, cp.epoch());
            new Trainer(cp.model(), restored, loss).fit(x, y, FitOptions.builder().initialEpoch(cp.epoch()).epochs(3).batchSize(8).build());
            assertArrayEquals(weights(straight), weights(cp.model()), 1e-6f);
            assertThrows(java.io.IOException.class, () -> ModelIo.resume(dir, new Sgd(0.1)));
        }
    }
}
