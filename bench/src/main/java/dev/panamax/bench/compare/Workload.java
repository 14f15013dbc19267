package dev.panamax.bench.compare;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One row of the comparison: what runs on both sides, how long, in what unit, and how closely the two
 * {@code check} values (a loss or a checksum) must agree for the row to count.
 *
 * @param name       the id both workers understand
 * @param title      what the report calls it
 * @param unit       unit of {@code value}
 * @param higherIsBetter true for throughput, false for latency
 * @param warmup     untimed steps before measuring (epochs for {@code cnn-epoch-warm}; full run; {@code quick} uses {@link #quickWarmup})
 * @param steps      measured steps (for {@code cnn-epoch}: examples, 0 = the whole training set)
 * @param tolerance  relative tolerance on {@code check}
 */
public record Workload(String name, String title, String unit, boolean higherIsBetter, int warmup, int steps, int quickWarmup,
                       int quickSteps, double tolerance, Opponent opponent) {

    /** What Panamax is measured against in a row. */
    public enum Opponent {
        /** PyTorch 1.13 in {@code bench/python/worker.py}. */
        PYTORCH("PyTorch"),
        /** ONNX Runtime's Java API in its own JVM ({@link OrtWorker}). */
        ONNXRUNTIME("ONNX Runtime");

        private final String label;

        Opponent(String label) {
            this.label = label;
        }

        /** The name reports use. */
        public String label() {
            return label;
        }
    }

    /** A row against PyTorch. */
    public Workload(String name, String title, String unit, boolean higherIsBetter, int warmup, int steps, int quickWarmup, int quickSteps,
                    double tolerance) {
        this(name, title, unit, higherIsBetter, warmup, steps, quickWarmup, quickSteps, tolerance, Opponent.PYTORCH);
    }

    /**
     * Every workload, in report order. Warm-up steps are enough for the JIT to finish compiling the step (the
     * epoch row shows the cost of that warm-up); training checks allow for float32 rounding drifting over many
     * Adam steps. On a 2-core Zen 5 host C2 compiles the CNN step's kernels until about 3 s into the process: the
     * batch-32 step measured 10,200 samples/s after 150 warm-up steps, 12,300 after 300 and 14,800-15,400 after
     * 1,000 (15,600 after 6,000); batch 128 12,000-12,700 after 40 and 15,100-15,900 after 400 or 800; at 1 thread
     * batch 32 8,400-8,900 after 150 and 9,200-9,700 after 1,000 or 2,000. Hence 1,000 and 400. Single-image
     * prediction is a short path of many small methods that the JIT reaches late: after 300 warm-up calls a Dense layer's product still took 21 µs per call, after 5,000 it took 6 µs (p50 of the
     * whole prediction 0.30 / 0.37 ms after 1,000 warm-up calls, 0.23 / 0.34 after 5,000, two runs each). On the Zen 5
     * host 5,000 calls take a third of a second and were not enough: p50 0.052-0.054 ms after 5,000, 0.041-0.043 after
     * 20,000 or 50,000 (two runs each), hence 20,000.
     * The GPT's last loss differed between the sides by at most 2.4e-7 (relative 1e-7) after 15, 40 and 200 steps
     * (float32 both, PyTorch at 1 and 2 threads), so gpt-train allows 1e-5; gpt-generate's check is a hash of the
     * generated ids and must be equal. gpt-val-loss trains the default `train gpt` run ({@code steps} iterations) on the
     * English corpus on each side, each from its own seeded weights and windows, so the check (the validation loss
     * itself) agrees within 2.5 % (0.05 at a loss of 2), the bar. The MiniLM rows run against ONNX Runtime; their check is the mean of the encoder's
     * whole output, which the two engines' float32 results reproduce to about 1e-7. The GPT rows warm up for 150 steps or
     * generations: after 20 training steps C2 was still compiling the step, and generation took some 100 generations of
     * 56 tokens to settle (GPT greedy generation, rounds of 20: 2,500, 480, 290, 256, 224, 166 µs a token). The
     * single-sentence row warms up
     * with 3,000 sentences: after 1,000 the JIT was still compiling some 25 methods a second (-XX:+PrintCompilation), and
     * a compiler thread taking one of the two cores shows as the slowest sentences (p99 9 ms against a 3.5 ms p50).
     * {@code mnist-process}'s check is the test accuracy after the epoch; the two sides shuffle differently, so it agrees
     * within one point (98.58 and 98.64 % in the first pair measured).
     */
    public static final List<Workload> ALL = List.of(
            new Workload("gemm-256", "sgemm n=256", "GFLOP/s", true, 500, 1000, 200, 300, 1e-6),
            new Workload("gemm-1024", "sgemm n=1024", "GFLOP/s", true, 20, 40, 10, 15, 1e-6),
            new Workload("gemm-2048", "sgemm n=2048", "GFLOP/s", true, 4, 10, 2, 4, 1e-6),
            new Workload("mlp-step-128", "MLP 784-256-10 training step, batch 128", "samples/s", true, 400, 600, 200, 200, 2e-2),
            new Workload("cnn-step-32", "MNIST CNN training step, batch 32", "samples/s", true, 1000, 600, 80, 100, 2e-2),
            new Workload("cnn-step-128", "MNIST CNN training step, batch 128", "samples/s", true, 400, 160, 20, 25, 2e-2),
            new Workload("cnn-epoch", "MNIST CNN full epoch, batch 32", "samples/s", true, 0, 0, 0, 10_000, 2e-2),
            new Workload("cnn-epoch-warm", "MNIST CNN full epoch, batch 32, after one untimed epoch in the same process", "samples/s",
                    true, 1, 0, 1, 10_000, 2e-2),
            new Workload(WholeProcess.WORKLOAD, "`train mnist` as a whole process, 1 epoch: start-up, data, training, test evaluations, "
                    + "saving (wall time)", "s", false, 0, 1, 0, 1, 0.01),
            new Workload("cnn-infer-1000", "MNIST CNN test-set inference, batch 1000", "samples/s", true, 1, 3, 1, 1, 1e-4),
            new Workload("cnn-latency-1", "MNIST CNN single-image latency p50", "ms", false, 20_000, 2000, 2000, 500, 1e-4),
            new Workload("gpt-train", "GPT training step (nanoGPT CPU: 4 blocks × 4 heads, 128 wide, context 64), batch 12", "tokens/s",
                    true, 150, 100, 20, 15, 1e-5),
            new Workload("gpt-generate", "GPT greedy generation, batch 1 (8-token prompt, 56 new tokens)", "tokens/s", true, 150, 50, 10, 8, 0),
            new Workload("gpt-val-loss", "GPT validation loss after the default training run (English corpus, characters, nanoGPT CPU "
                    + "configuration)", "loss", false, 0, 2000, 0, 300, 0.025),
            new Workload("minilm-batch32", "all-MiniLM-L6-v2 sentence embeddings, batch 32 × 128 tokens", "sentences/s", true, 3, 10, 2, 4,
                    1e-4, Opponent.ONNXRUNTIME),
            new Workload("minilm-latency-1", "all-MiniLM-L6-v2 single sentence (16 tokens) latency p50", "ms", false, 3000, 1000, 300, 200,
                    1e-4, Opponent.ONNXRUNTIME));

    public int warmup(boolean quick) {
        return quick ? quickWarmup : warmup;
    }

    public int steps(boolean quick) {
        return quick ? quickSteps : steps;
    }

    /** Whether two {@code check} values agree within this workload's tolerance. */
    public boolean agrees(double panamax, double pytorch) {
        return Double.isFinite(panamax) && Double.isFinite(pytorch)
                && Math.abs(panamax - pytorch) <= tolerance * Math.max(1, Math.abs(pytorch));
    }

    public static Workload named(String name) {
        return ALL.stream().filter(w -> w.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + name + "'; known: " + names()));
    }

    public static String names() {
        return ALL.stream().map(Workload::name).collect(Collectors.joining(", "));
    }
}
