package dev.panamax.nn.train;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.dist.Collective;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.optim.Sgd;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of the data-parallel tests, started by {@code mpirun} from {@link DataParallelTest}. Modes:
 * {@code steps OUT}: trains a small model one epoch with SGD and batches of 16, writing the parameters after every
 * step to {@code OUT/rank-R.bin}; {@code die OUT}: the same on more data, rank 1 kills itself with SIGKILL after 5
 * steps; {@code fail OUT}: the same, but rank 1 throws instead; {@code failbatch OUT}: a loop of {@code trainOnBatch} whose
 * fifth batch on rank 1 is NaN; {@code checkpoint OUT}: 2 epochs of Adam with a resumable checkpoint in {@code OUT/ckpt};
 * {@code resume OUT}: continues {@code OUT/ckpt} for one more epoch and writes the parameters to {@code OUT/rank-R.bin}.
 */
public final class DataParallelWorker {
    static final int STEPS = 60, GLOBAL_BATCH = 32, RANKS = 2;
    static final Loss LOSS = Loss.byName("sparse_categorical_crossentropy", false);

    private DataParallelWorker() {}

    static Sequential model() {
        return new Sequential(5).add(new Dense(16, "tanh")).add(new Dense(3, "softmax")).build(2);
    }

    /** The examples every process reads (each its own share): the same on every process for a seed. */
    static Tensor[] data(int examples) {
        return SyntheticData.wedgesAndRing(examples, 9);
    }

    static float[] flat(List<Var> params) {
        int n = (int) params.stream().mapToLong(p -> p.value().numel()).sum(), at = 0;
        float[] all = new float[n];
        for (Var p : params) {
            float[] w = p.value().toFloatArray();
            System.arraycopy(w, 0, all, at, w.length);
            at += w.length;
        }
        return all;
    }

    /** Records the parameters after every step, on every process. */
    static final class Recorder implements TrainingListener {
        final List<float[]> steps = new ArrayList<>();
        final List<Var> params;
        final Runnable afterStep;

        Recorder(List<Var> params, Runnable afterStep) {
            this.params = params;
            this.afterStep = afterStep;
        }

        @Override
        public boolean everyRank() {
            return true;
        }

        @Override
        public void onBatchEnd(int step, int samples, Map<String, Double> logs) {
            steps.add(flat(params));
            afterStep.run();
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path out = Path.of(args[1]);
        Collective world = Collective.world();
        int rank = world.rank();
        try (MemoryScope s = MemoryScope.open("worker")) {
            switch (mode) {
                case "steps", "die", "fail" -> {
                    boolean die = mode.equals("die"), fail = mode.equals("fail");
                    Tensor[] d = data(STEPS * GLOBAL_BATCH * (die || fail ? 200 : 1));
                    Sequential m = model();
                    int[] step = {0};
                    Recorder r = new Recorder(m.params(), () -> {
                        if ((die || fail) && rank == 1 && ++step[0] == 5) {
                            if (die) killMyself();
                            throw new IllegalStateException("a failure made up by the test");
                        }
                    });
                    new Trainer(m, new Sgd(0.1), LOSS).fit(d[0], d[1], FitOptions.builder().batchSize(GLOBAL_BATCH / world.size())
                            .callbacks(r).build());
                    write(out.resolve("rank-" + rank + ".bin"), r.steps);
                }
                case "failbatch" -> {
                    // The GPT's way of training: its own loop over trainOnBatch. Rank 1's fifth batch is all NaN.
                    Tensor[] d = data(STEPS * GLOBAL_BATCH * 200);
                    int b = GLOBAL_BATCH / world.size();
                    try (Trainer t = new Trainer(model(), new Sgd(0.1), LOSS)) {
                        for (int step = 0; (long) (step + 1) * GLOBAL_BATCH <= d[0].dim(0); step++) {
                            long from = (long) step * GLOBAL_BATCH + (long) rank * b;
                            try (Tensor x = rank == 1 && step == 4 ? Tensor.full(DType.F32, Float.NaN, b, 2) : d[0].slice(0, from, from + b);
                                 Tensor y = d[1].slice(0, from, from + b)) {
                                t.trainOnBatch(x, y);
                            }
                        }
                    }
                }
                case "checkpoint" -> {
                    Tensor[] d = data(STEPS * GLOBAL_BATCH);
                    new Trainer(model(), new Adam(0.01), LOSS).fit(d[0], d[1], FitOptions.builder().epochs(2)
                            .batchSize(GLOBAL_BATCH / world.size()).callbacks(new Callbacks.ModelCheckpoint(out.resolve("ckpt"), "loss", false).resumable()).build());
                }
                case "resume" -> {
                    Tensor[] d = data(STEPS * GLOBAL_BATCH);
                    Adam adam = new Adam(0.01);
                    ModelIo.Checkpoint cp = ModelIo.resume(out.resolve("ckpt"), adam);
                    new Trainer(cp.model(), adam, LOSS).fit(d[0], d[1], FitOptions.builder().initialEpoch(cp.epoch()).epochs(3)
                            .batchSize(GLOBAL_BATCH / world.size()).build());
                    write(out.resolve("rank-" + rank + ".bin"), List.of(flat(cp.model().params())));
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
        System.out.println("rank " + rank + " of " + world.size() + " done");
    }

    private static void killMyself() {
        try {
            new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
            Thread.sleep(60_000);  // SIGKILL arrives meanwhile
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(Path file, List<float[]> steps) throws IOException {
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(file))) {
            o.writeInt(steps.size());
            for (float[] w : steps) {
                o.writeInt(w.length);
                for (float v : w) o.writeFloat(v);
            }
        }
    }
}
