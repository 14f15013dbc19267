package dev.panamax.nn.transformer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits: greedy at temperature 0, else softmax of {@code logits/temperature}
 * restricted to the {@code topK} most likely tokens (0: all) and to the smallest set whose probability reaches
 * {@code topP} (1: all), then a draw from a generator seeded once, so a seed gives the same text.
 */
public final class Sampler {
    private final double temperature, topP;
    private final int topK;
    private final SplittableRandom random;

    public Sampler(double temperature, int topK, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling: temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("sampling: top-k must be 0 (off) or positive, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("sampling: top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The chosen token id for {@code logits} (one value per vocabulary entry). */
    public int next(float[] logits) {
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));  // most likely first; ties by id
        if (temperature == 0) return order[0];
        int keep = topK == 0 ? v : Math.min(topK, v);
        double max = logits[order[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / temperature);
            sum += p[i];
        }
        double mass = 0;
        int kept = 0;
        while (kept < keep && mass < topP * sum) mass += p[kept++];  // the nucleus: at least one token
        double u = random.nextDouble() * mass;
        for (int i = 0; i < kept; i++) {
            u -= p[i];
            if (u < 0) return order[i];
        }
        return order[kept - 1];
    }
}
