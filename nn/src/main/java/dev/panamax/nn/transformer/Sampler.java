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

    /**
     * A sampler; top-k applies before top-p.
     *
     * @param temperature 0 for greedy (always the top token), else the softmax temperature
     * @param topK        keep only the k most likely tokens; 0 for all
     * @param topP        keep the smallest set whose probability reaches p (nucleus sampling), in (0, 1]; 1 for all
     * @param seed        the seed of the draws
     * @throws IllegalArgumentException when a setting is out of range
     */
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

    /**
     * The chosen token id for {@code logits} (one value per vocabulary entry).
     *
     * @param logits one score per vocabulary entry
     * @return the chosen id
     */
    public int next(float[] logits) {
        int v = logits.length;
        if (temperature == 0) return argmax(logits);
        int[] order = byLogitDescending(logits);
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

    /** The first index of the largest logit. */
    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /**
     * Token ids from the most to the least likely, ties by id: each logit's bits turned into an int that orders
     * like the float, negated, packed above the id into a long, so one primitive sort does it (no boxing for a
     * 50,000-token vocabulary).
     */
    private static int[] byLogitDescending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;  // monotone in the float's value
            keys[i] = ((long) ~ordered << 32) | i;  // ~ reverses the order without overflowing
        }
        Arrays.sort(keys);
        int[] order = new int[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = (int) keys[i];
        return order;
    }
}
