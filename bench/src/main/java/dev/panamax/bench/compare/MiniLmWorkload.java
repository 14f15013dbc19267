package dev.panamax.bench.compare;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The MiniLM rows' inputs and measurement loop, shared by both sides (Panamax's worker and ONNX Runtime's run the
 * same code around their own engine): token ids from one seeded generator, every token visible, and a check that
 * is the mean of the whole {@code last_hidden_state}.
 */
final class MiniLmWorkload {
    private MiniLmWorkload() {}

    /** Runs the encoder on one batch and returns {@code last_hidden_state} flattened. */
    @FunctionalInterface
    interface Engine {
        float[] run(long[][] ids, long[][] mask, long[][] types) throws Exception;
    }

    /** {@code minilm-batch32} → (32, 128); {@code minilm-latency-1} → (1, 16). */
    static int[] shape(String workload) {
        return switch (workload) {
            case "minilm-batch32" -> new int[] {32, 128};
            case "minilm-latency-1" -> new int[] {1, 16};
            default -> throw new IllegalArgumentException("not a MiniLM workload: " + workload);
        };
    }

    /** Ids of ordinary word pieces, {@code [CLS]} first and {@code [SEP]} last, the same on both sides for a seed. */
    static long[][] ids(int batch, int length) {
        Random rnd = new Random(20261203);
        long[][] ids = new long[batch][length];
        for (long[] row : ids) {
            for (int j = 0; j < length; j++) row[j] = 1996 + rnd.nextInt(28000);
            row[0] = 101;
            row[length - 1] = 102;
        }
        return ids;
    }

    /** Measures {@code workload}: sentences/s for the batch row, p50 (value) and p99 latency in ms for the single one. */
    static void measure(String workload, int warmup, int steps, Engine engine, Map<String, Double> r) throws Exception {
        int[] s = shape(workload);
        long[][] ids = ids(s[0], s[1]), mask = new long[s[0]][s[1]], types = new long[s[0]][s[1]];
        for (long[] m : mask) Arrays.fill(m, 1);
        float[] out = null;
        for (int i = 0; i < warmup; i++) out = engine.run(ids, mask, types);
        double[] ms = new double[steps];
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            out = engine.run(ids, mask, types);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (workload.equals("minilm-batch32")) {
            r.put("value", s[0] * (double) steps / seconds);
        } else {
            Arrays.sort(ms);
            r.put("value", ms[ms.length / 2]);
            r.put("p99", ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))]);
        }
        double sum = 0;
        for (float v : out) sum += v;
        r.put("check", sum / out.length);
    }
}
