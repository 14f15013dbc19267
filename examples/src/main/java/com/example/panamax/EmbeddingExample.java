package com.example.panamax;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.GradCheck;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Panamax;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.arrow.ArrowTensors;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Panamax used as a library, the way an application would: configuration from code, a custom op checked by the
 * library's gradient checker, Arrow columns from the application's own allocator as input, a hand-written training
 * loop with memory scopes, then the model saved, loaded back and used for predictions. Exits non-zero if the model
 * did not learn.
 */
public final class EmbeddingExample {
    private static final int ROWS = 256;

    public static void main(String[] args) throws Exception {
        // Before the first tensor: settings from code (system properties are the defaults).
        Panamax.configure().threads(Math.min(2, Runtime.getRuntime().availableProcessors())).apply();

        // 1. The custom op's gradient against finite differences, with the library's own checker (F64 inputs).
        Rng rng = new Rng(7);
        try (MemoryScope check = MemoryScope.open("gradcheck")) {
            GradCheck.check("swish", v -> F.sum(new Swish().apply1(v[0], v[1])),
                    new Tensor[] {Tensor.uniform(rng, -2, 2, DType.F64, 3, 4), Tensor.of(new double[] {0.7}, 1)}, 1e-6, 1e-6, 1e-4);
        }
        System.out.println("custom op: Swish(x, beta) passes GradCheck");

        // 2. Input from Arrow: the application's own allocator, two Float4 columns; y = 3·x0 - 2·x1 + 0.5.
        try (BufferAllocator appAllocator = new RootAllocator();
             VectorSchemaRoot batch = dataset(appAllocator, rng);
             MemoryScope session = MemoryScope.open("session");
             Sequential model = new Sequential("regression", 42).add(new Dense(16, null)).add(new Dense(1, null)).build(2);
             Sequential plain = new Sequential("plain", 1).add(new Dense(8, "relu")).add(new Dense(1, null)).build(2)) {
            Map<String, Tensor> columns = ArrowTensors.fromRecordBatch(batch); // views, no copy
            Tensor x = Tensor.stack(1, columns.get("x0"), columns.get("x1"));  // (ROWS, 2)
            Tensor y = columns.get("y").reshape(ROWS, 1);                       // (ROWS, 1)

            // 3. A model whose hidden layer uses the custom op, and a hand-written training loop.
            Var beta = Var.param(Tensor.of(new float[] {1f}, 1));
            List<Var> params = new ArrayList<>(model.params());
            params.add(beta);
            Adam adam = new Adam(0.02);
            double first = 0, last = 0;
            try (StepArena arena = new StepArena("train")) {
                for (int step = 0; step < 300; step++) {
                    try (MemoryScope s = MemoryScope.open("step", arena)) { // every temporary of the step dies here
                        Var h = model.layers().get(0).forward(Var.of(x), true, rng);
                        Var out = model.layers().get(1).forward(new Swish().apply1(h, beta), true, rng);
                        Var loss = F.mse(out, Var.of(y));
                        params.forEach(Var::zeroGrad);
                        loss.backward();
                        adam.step(params);
                        last = loss.value().item();
                        if (step == 0) first = last;
                    }
                }
            }
            adam.close(); // its moment tensors
            System.out.printf("training: mse %.4f -> %.4f after 300 steps, beta %.3f%n", first, last, beta.value().item());
            if (!(last < first / 20)) throw new AssertionError("the model did not learn: " + first + " -> " + last);

            // 4. Save and load back (a plain Sequential of Dense layers), then predict with it.
            Path dir = Files.createTempDirectory("panamax-example");
            ModelIo.save(plain, dir.resolve("model"));
            try (Sequential loaded = ModelIo.load(dir.resolve("model"))) {
                Tensor a = plain.forward(Var.of(x), false).value(), b = loaded.forward(Var.of(x), false).value();
                if (!a.allClose(b, 0, 0)) throw new AssertionError("the loaded model predicts differently");
                System.out.println("loaded model: " + loaded.layers().size() + " layers, predictions equal the saved model's on " + ROWS + " rows");
            }
        }
        System.out.println("done");
    }

    /** Two input columns and a target, in the application's allocator (not Panamax's). */
    private static VectorSchemaRoot dataset(BufferAllocator allocator, Rng rng) {
        Float4Vector x0 = new Float4Vector("x0", allocator), x1 = new Float4Vector("x1", allocator), y = new Float4Vector("y", allocator);
        try (MemoryScope s = MemoryScope.open("data")) {
            float[] a = Tensor.uniform(rng, -1, 1, DType.F32, ROWS).toFloatArray(), b = Tensor.uniform(rng, -1, 1, DType.F32, ROWS).toFloatArray();
            for (Float4Vector v : List.of(x0, x1, y)) v.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                x0.set(i, a[i]);
                x1.set(i, b[i]);
                y.set(i, 3 * a[i] - 2 * b[i] + 0.5f);
            }
        }
        for (Float4Vector v : List.of(x0, x1, y)) v.setValueCount(ROWS);
        return new VectorSchemaRoot(List.of(x0, x1, y));
    }
}
