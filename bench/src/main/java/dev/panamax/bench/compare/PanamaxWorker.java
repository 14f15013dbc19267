package dev.panamax.bench.compare;

import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.gpt.GptTraining;
import dev.panamax.autodiff.OpProfiler;
import dev.panamax.autodiff.Var;
import dev.panamax.data.Dataset;
import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.Layer;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.Safetensors;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptGenerator;
import dev.panamax.nn.transformer.Sampler;
import dev.panamax.onnx.OnnxModel;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.backend.CpuBackend;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Panamax's side of {@code panamax compare}: runs one workload in its own JVM and prints one JSON object
 * ({@code value}, {@code check}, {@code peak_rss_mb}, {@code p99} for latency, {@code first_token_ms} for generation). {@code bench/python/worker.py}
 * mirrors every workload step for step; {@code check} is the number both must agree on (a loss or a checksum).
 */
public final class PanamaxWorker {
    private PanamaxWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("describe")) {
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(describe()));
            return;
        }
        if (args.length != 4) {
            System.err.println("usage: PanamaxWorker WORKLOAD INPUTS_DIR WARMUP STEPS");
            System.exit(2);
        }
        Map<String, Double> result = run(args[0], Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        result.put("peak_rss_mb", PeakMemory.residentMb());
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(result));
    }

    /** What Panamax runs on: JDK, vector width, threads, GEMM choice and the OpenBLAS kernel if one is found. */
    static Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", "Java " + Runtime.version());
        d.put("vector", Simd.describe());
        d.put("threads", Parallel.THREADS);
        d.put("backend", CpuBackend.describe());
        if (Cblas.isAvailable()) {
            d.put("openblas", Cblas.library().path());
            d.put("openblas_core", Cblas.string(Cblas.openblas_get_corename()));
        }
        return d;
    }

    static Map<String, Double> run(String workload, Path inputs, int warmup, int steps) throws IOException {
        Map<String, Double> r = new LinkedHashMap<>();
        try (MemoryScope scope = MemoryScope.open("compare-worker")) {
            if (workload.startsWith("gemm-")) {
                gemm(Integer.parseInt(workload.substring(5)), warmup, steps, r);
            } else if (workload.startsWith("mlp-step-") || workload.startsWith("cnn-step-")) {
                int batch = Integer.parseInt(workload.substring(9));
                try (Dataset train = CompareInputs.mnist(inputs, "train"); Sequential model = model(workload, inputs);
                     Trainer trainer = trainer(model)) {
                    trainSteps(trainer, train, batch, warmup, steps, r);
                }
            } else if (workload.startsWith("cnn-epoch")) {
                try (Dataset train = CompareInputs.mnist(inputs, "train"); Sequential model = model(workload, inputs);
                     Trainer trainer = trainer(model)) {
                    long n = steps > 0 ? Math.min(steps, train.size()) : train.size();
                    try (Tensor x = train.images().slice(0, 0, n); Tensor y = train.labels().slice(0, 0, n)) {
                        // Warm-up epochs (cnn-epoch-warm) train on: the timed epoch continues from them, as PyTorch's does.
                        if (warmup > 0) trainer.fit(x, y, FitOptions.builder().epochs(warmup).batchSize(32).shuffle(false).build());
                        long t0 = System.nanoTime();
                        History h = trainer.fit(x, y, FitOptions.builder().epochs(1).batchSize(32).shuffle(false).build());
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        r.put("value", n / seconds);
                        r.put("check", h.metrics().get("loss").getFirst());
                    }
                }
            } else if (workload.equals("cnn-infer-1000")) {
                try (Dataset test = CompareInputs.mnist(inputs, "test"); Sequential model = model(workload, inputs);
                     Trainer trainer = trainer(model)) {
                    double loss = 0;
                    for (int i = 0; i < warmup; i++) trainer.evaluate(test.images(), test.labels(), 1000);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++) loss = trainer.evaluate(test.images(), test.labels(), 1000).get("loss");
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    r.put("value", test.size() * (double) steps / seconds);
                    r.put("check", loss);
                }
            } else if (workload.equals("cnn-latency-1")) {
                try (Dataset test = CompareInputs.mnist(inputs, "test"); Sequential model = model(workload, inputs);
                     Trainer trainer = trainer(model)) {
                    latency(trainer, test, warmup, steps, r);
                }
            } else if (workload.equals("gpt-train")) {
                gptTrain(inputs, warmup, steps, r);
            } else if (workload.equals("gpt-generate")) {
                gptGenerate(inputs, warmup, steps, r);
            } else if (workload.equals("gpt-val-loss")) {
                gptValidationLoss(inputs, steps, r);
            } else if (workload.startsWith("minilm-")) {
                miniLm(workload, warmup, steps, r);
            } else {
                throw new IllegalArgumentException("unknown workload '" + workload + "'; known: " + Workload.names());
            }
        }
        return r;
    }

    /** all-MiniLM-L6-v2 imported from its ONNX file, run exactly as ONNX Runtime's worker runs it. */
    private static void miniLm(String workload, int warmup, int steps, Map<String, Double> r) throws IOException {
        try (OnnxModel model = OnnxModel.load(MiniLm.files().model())) {
            MiniLmWorkload.measure(workload, warmup, steps, (ids, mask, types) -> {
                try (MemoryScope s = MemoryScope.open("minilm")) {
                    Tensor out = model.runSingle(Map.of("input_ids", matrix(ids), "attention_mask", matrix(mask), "token_type_ids", matrix(types)));
                    return out.toFloatArray();
                }
            }, r);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static Tensor matrix(long[][] v) {
        long[] flat = new long[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) System.arraycopy(v[i], 0, flat, i * v[0].length, v[0].length);
        return Tensor.of(flat, v.length, v[0].length);
    }

    /** The model the workload names, with the weights the harness exported (the same ones PyTorch starts from). */
    static Sequential model(String workload, Path inputs) throws IOException {
        boolean cnn = workload.startsWith("cnn");
        Sequential model = cnn ? Models.tutorialCnn(CompareInputs.SEED, 10) : mlp();
        model.build(28, 28, 1);
        Map<String, Tensor> weights = Safetensors.read(inputs.resolve(cnn ? CompareInputs.CNN : CompareInputs.MLP));
        try {
            for (Layer l : model.layers()) {
                List<String> names = l.paramNames();
                for (int i = 0; i < names.size(); i++) {
                    Tensor w = weights.get(l.name() + "." + names.get(i));
                    Tensor p = l.params().get(i).value();
                    if (w == null || !Arrays.equals(w.shape(), p.shape())) {
                        throw new IOException("exported weights do not fit " + l.name() + "." + names.get(i));
                    }
                    p.copyFrom(w);
                }
            }
        } finally {
            weights.values().forEach(Tensor::close);
        }
        return model;
    }

    /** The GPT of the GPT rows, with the weights the harness exported into {@code file}. */
    static Gpt gpt(Path inputs, String file) throws IOException {
        Gpt gpt = new Gpt(CompareInputs.GPT_CONFIG, CompareInputs.SEED).build();
        Map<String, Tensor> weights = Safetensors.read(inputs.resolve(file));
        try {
            for (Map.Entry<String, Tensor> e : gpt.weights().entrySet()) {
                Tensor w = weights.get(e.getKey());
                if (w == null || !Arrays.equals(w.shape(), e.getValue().shape())) throw new IOException("exported weights do not fit " + e.getKey());
                e.getValue().copyFrom(w);
            }
        } finally {
            weights.values().forEach(Tensor::close);
        }
        return gpt;
    }

    /**
     * nanoGPT's training step: AdamW (lr 1e-3, betas 0.9/0.99, eps 1e-8, decay 0.1 on the kernels only), global
     * gradient norm clipped to 1, on the exported batches in order (step k reads batch k mod K), as worker.py does.
     * The step is Trainer's own (zero the gradients, forward with the loss, backward, optimizer step) written out,
     * because {@code Trainer.trainOnBatch} takes one label per example and a GPT has one per position. The check
     * is the last step's loss.
     */
    private static void gptTrain(Path inputs, int warmup, int steps, Map<String, Double> r) throws IOException {
        try (Gpt gpt = gpt(inputs, CompareInputs.GPT)) {
            double[] secondsAndLoss = trainGpt(gpt, inputs, warmup, steps);
            r.put("value", steps * (double) (CompareInputs.GPT_BATCH * CompareInputs.GPT_CONFIG.context()) / secondsAndLoss[0]);
            r.put("check", secondsAndLoss[1]);
        }
    }

    /**
     * {@code ./panamax train gpt}'s default run, {@code steps} iterations, on the corpus the harness copied
     * ({@link CompareInputs#GPT_CORPUS}); value and check: the validation loss at the end.
     */
    private static void gptValidationLoss(Path inputs, int steps, Map<String, Double> r) throws IOException {
        Path models = Files.createTempDirectory("panamax-val-loss");
        try {
            GptTraining.Result result = GptTraining.run(GptTraining.Options.builder().dataFile(inputs.resolve(CompareInputs.GPT_CORPUS))
                    .iters(steps).modelDir(models.resolve("model")).build(), GptTraining.Listener.NONE);
            r.put("value", result.validationLoss());
            r.put("check", result.validationLoss());
            r.put("train_loss", result.trainLoss());
            r.put("tokens_per_second", result.tokensPerSecond());
        } finally {
            try (var files = Files.walk(models)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** {@code warmup + steps} training steps of {@link #gptTrain} on {@code gpt}; returns the measured steps' seconds and the last loss. */
    static double[] trainGpt(Gpt gpt, Path inputs, int warmup, int steps) throws IOException {
        Map<String, Tensor> tokens = Safetensors.read(inputs.resolve(CompareInputs.GPT_TOKENS));
        Tensor batches = tokens.get("batches");                                // (K, B, T + 1)
        long k = batches.dim(0), b = batches.dim(1), t = batches.dim(2) - 1;
        Adam adamW = new Adam(1e-3, 0.9, 0.99, 1e-8, 0.1);
        adamW.withoutWeightDecay(gpt.decayExempt());
        adamW.clipGlobalNorm(1.0);
        try (Trainer trainer = new Trainer(gpt, adamW, Loss.byName("sparse_categorical_crossentropy", true));
             Tensor x = batches.slice(2, 0, t).contiguous(); Tensor y = batches.slice(2, 1, t + 1).contiguous();  // (K, B, T)
             StepArena arena = new StepArena("compare")) {
            double last = Double.NaN;
            long t0 = System.nanoTime();
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    t0 = System.nanoTime();
                    OpProfiler.reset();  // -Dpanamax.profile=true: measured steps only
                }
                long i = step % k;
                try (MemoryScope s = MemoryScope.open("step", arena)) {
                    last = trainer.trainOnBatch(x.slice(0, i, i + 1).reshape(b, t), y.slice(0, i, i + 1).reshape(b, t)).get("loss");
                }
            }
            gpt.params().forEach(Var::clearGrad);
            return new double[] {(System.nanoTime() - t0) / 1e9, last};
        } finally {
            tokens.values().forEach(Tensor::close);
        }
    }

    /**
     * Greedy generation with the key/value cache ({@link GptGenerator}), batch 1, from the briefly trained weights
     * ({@link CompareInputs#GPT_TRAINED}: freshly initialised ones repeat one token): the prompt, then as many tokens
     * as fill the context (so neither side ever crops or refills), {@code warmup + steps} times. Value: new tokens
     * per second over the measured generations; {@code first_token_ms}: the median time from the call to the first
     * token (the prompt's pass and the first choice); check: a hash of the generated ids ({@link #tokenHash}).
     */
    private static void gptGenerate(Path inputs, int warmup, int steps, Map<String, Double> r) throws IOException {
        Map<String, Tensor> tokens = Safetensors.read(inputs.resolve(CompareInputs.GPT_TOKENS));
        int[] prompt = tokens.get("prompt").toIntArray();
        tokens.values().forEach(Tensor::close);
        int n = CompareInputs.GPT_CONFIG.context() - prompt.length;
        double[] firstMs = new double[steps];
        long total = 0;
        int[] seq = prompt;
        try (Gpt gpt = gpt(inputs, CompareInputs.GPT_TRAINED); GptGenerator generator = new GptGenerator(gpt)) {
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) OpProfiler.reset();  // -Dpanamax.profile=true: measured generations only
                long[] first = {0};
                long t0 = System.nanoTime();
                seq = generator.generate(prompt, n, new Sampler(0, 0, 1, 0), id -> {
                    if (first[0] == 0) first[0] = System.nanoTime();
                });
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    firstMs[i - warmup] = (first[0] - t0) / 1e6;
                    total += t1 - t0;
                }
            }
        }
        Arrays.sort(firstMs);
        r.put("value", (double) n * steps / (total / 1e9));
        r.put("first_token_ms", firstMs[steps / 2]);
        r.put("check", (double) tokenHash(Arrays.copyOfRange(seq, prompt.length, seq.length)));
    }

    /** {@code h = (h·131 + id) mod 1,000,000,007} over the ids: exact in a double, equal only for (almost surely) equal ids. */
    static long tokenHash(int[] ids) {
        long h = 0;
        for (int id : ids) h = (h * 131 + id) % 1_000_000_007L;
        return h;
    }

    /** Keras' Adam defaults (lr 1e-3, eps 1e-7); the PyTorch side is set to the same. */
    static Trainer trainer(Sequential model) {
        return new Trainer(model, new Adam(1e-3), Loss.byName("sparse_categorical_crossentropy", false));
    }

    /** The MLP workload: 784-256-10, ReLU, softmax output. */
    static Sequential mlp() {
        return new Sequential(CompareInputs.SEED).add(new Flatten()).add(new Dense(256, "relu")).add(new Dense(10, "softmax"));
    }

    /**
     * Consecutive batches from the start of the training set (wrapping around), as the Python side takes them.
     * The check is the mean loss over every step: one batch's loss after hundreds of steps is chaotic.
     */
    private static void trainSteps(Trainer trainer, Dataset train, int batch, int warmup, int steps, Map<String, Double> r) {
        long n = train.size();
        double lossSum = 0;
        long t0 = 0;
        try (StepArena arena = new StepArena("compare")) {
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    t0 = System.nanoTime();
                    OpProfiler.reset();  // -Dpanamax.profile=true: measured steps only
                }
                long start = ((long) step * batch) % (n - batch + 1);
                try (MemoryScope s = MemoryScope.open("step", arena)) {
                    Tensor x = train.images().slice(0, start, start + batch), y = train.labels().slice(0, start, start + batch);
                    lossSum += trainer.trainOnBatch(x, y).get("loss");
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.put("value", steps * (double) batch / seconds);
        r.put("check", lossSum / (warmup + steps));
    }

    /** Single-image predictions through the deployment API ({@code predict}, batch 1): p50 and p99 in ms. */
    private static void latency(Trainer trainer, Dataset test, int warmup, int steps, Map<String, Double> r) {
        double[] ms = new double[steps];
        double total = 0;
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) OpProfiler.reset();  // -Dpanamax.profile=true: measured calls only
            long k = i % test.size();
            try (Tensor x = test.images().slice(0, k, k + 1)) {
                long t0 = System.nanoTime();
                try (Tensor probs = trainer.predict(x, 1)) {
                    double dt = (System.nanoTime() - t0) / 1e6;
                    if (i >= warmup) {
                        ms[i - warmup] = dt;
                        total += probs.getDouble(0, 0);
                    }
                }
            }
        }
        Arrays.sort(ms);
        r.put("value", ms[ms.length / 2]);
        r.put("p99", ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))]);
        r.put("check", total / steps);
    }

    /** The same deterministic matrices as worker.py: multiples of 1/8, so every product and sum is exact in float32. */
    private static void gemm(int n, int warmup, int steps, Map<String, Double> r) {
        float[] a = new float[n * n], b = new float[n * n];
        for (long i = 0; i < (long) n * n; i++) {
            a[(int) i] = (((i * 7) % 13) - 6) / 8f;
            b[(int) i] = (((i * 5) % 11) - 5) / 8f;
        }
        // Products in a loop take their output memory from a step arena, as a training loop does.
        try (Tensor ta = Tensor.of(a, n, n); Tensor tb = Tensor.of(b, n, n); StepArena arena = new StepArena("gemm")) {
            for (int i = 0; i < warmup; i++) {
                try (MemoryScope s = MemoryScope.open("gemm", arena)) {
                    ta.matmul(tb);
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                try (MemoryScope s = MemoryScope.open("gemm", arena)) {
                    ta.matmul(tb);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            r.put("value", 2.0 * n * n * n * steps / seconds / 1e9);
            try (MemoryScope s = MemoryScope.open("check")) {
                r.put("check", ta.matmul(tb).to(DType.F64).sum().item());
            }
        }
    }
}
