package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model may be shared by threads for inference, each with its own {@link Predictor}: 8 threads predicting
 * at once give answers bit-identical to one thread's (the README's thread-safety promise).
 */
class ConcurrentPredictTest {
    @Test
    void eightThreadsShareALoadedModel(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(Models.tutorialCnn(5, 10).build(28, 28, 1), dir);
        }
        try (MemoryScope s = MemoryScope.open("t"); Sequential model = ModelIo.load(dir);
             Tensor x = Tensor.uniform(new Rng(3), 0, 1, DType.F32, 6, 28, 28, 1)) {
            float[] expected;
            try (Predictor one = new Predictor(model); Tensor y = one.predict(x, 4)) {
                expected = y.toFloatArray();
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<float[]>>> answers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    answers.add(pool.submit(() -> {
                        List<float[]> got = new ArrayList<>();
                        try (MemoryScope ts = MemoryScope.open("thread"); Predictor p = new Predictor(model)) {
                            for (int i = 0; i < 10; i++) {
                                try (Tensor y = p.predict(x, 4)) {
                                    got.add(y.toFloatArray());
                                }
                            }
                        }
                        return got;
                    }));
                }
                for (Future<List<float[]>> f : answers) for (float[] got : f.get()) assertArrayEquals(expected, got);
            } finally {
                pool.shutdown();
            }
        }
    }
}
