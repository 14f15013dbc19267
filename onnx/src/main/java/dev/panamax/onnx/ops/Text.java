package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer over integer token ids (string pools need a string type Panamax does not have): counts the pool's
 * n-grams in each row, with up to {@code max_skip_count} tokens skipped between an n-gram's tokens, and weighs the
 * counts as TF, IDF or TFIDF.
 */
final class Text {
    private Text() {}

    /** A node's pool: each n-gram (as a list of ids) → its output column and weight. */
    private record Pool(Map<List<Long>, Integer> column, double[] weights, int width, int minGram, int maxGram, int maxSkip, String mode) {
        static Pool read(Node node) {
            Attributes a = node.attributes();
            if (a.has("pool_strings")) throw new IllegalArgumentException(node.describe() + ": pool_strings are not supported (integer pools only)");
            a.ignore("pool_strings");
            long[] pool = a.ints("pool_int64s"), counts = a.ints("ngram_counts"), indexes = a.ints("ngram_indexes");
            float[] w = a.floats("weights");
            int minGram = (int) a.i("min_gram_length", 1), maxGram = (int) a.i("max_gram_length", 1), maxSkip = (int) a.i("max_skip_count", 0);
            String mode = a.s("mode", "TF");
            if (pool == null || counts == null || indexes == null) throw new IllegalArgumentException(node.describe() + ": pool_int64s, ngram_counts and ngram_indexes are required");
            Map<List<Long>, Integer> column = new HashMap<>();
            int gram = 0;
            for (int level = 0; level < counts.length; level++) {
                int n = level + 1;
                long from = counts[level], to = level + 1 < counts.length ? counts[level + 1] : pool.length;
                for (long at = from; at + n <= to; at += n) {
                    column.put(Arrays.stream(Arrays.copyOfRange(pool, (int) at, (int) at + n)).boxed().toList(), (int) indexes[gram++]);
                }
            }
            int width = (int) Arrays.stream(indexes).max().orElse(-1) + 1;
            double[] weights = new double[width];
            Arrays.fill(weights, 1);
            if (w != null) for (int g = 0; g < indexes.length; g++) weights[(int) indexes[g]] = w[g];
            return new Pool(column, weights, width, minGram, maxGram, maxSkip, mode);
        }
    }

    static void register(Map<String, Operator> ops) {
        ops.put("TfIdfVectorizer", (node, opset) -> {
            Pool p = Pool.read(node);
            return in -> new Tensor[] {vectorize(in[0], p)};
        });
    }

    private static Tensor vectorize(Tensor x, Pool p) {
        long[] ids = x.toLongArray();
        int rows = x.rank() == 2 ? (int) x.dim(0) : 1, len = (int) x.dim(x.rank() - 1);
        double[] y = new double[rows * p.width()];
        for (int r = 0; r < rows; r++) {
            double[] counts = new double[p.width()];
            for (int start = 0; start < len; start++) {
                for (int skip = 0; skip <= p.maxSkip(); skip++) {
                    for (int n = 1; n <= p.maxGram(); n++) {
                        if (n == 1 && skip > 0) continue;  // a unigram is the same at any skip: count it once
                        int last = start + (n - 1) * (skip + 1);
                        if (last >= len) break;
                        if (n < p.minGram()) continue;
                        Long[] gram = new Long[n];
                        for (int k = 0; k < n; k++) gram[k] = ids[r * len + start + k * (skip + 1)];
                        Integer col = p.column().get(List.of(gram));
                        if (col != null) counts[col]++;
                    }
                }
            }
            for (int c = 0; c < p.width(); c++) {
                y[r * p.width() + c] = switch (p.mode()) {
                    case "IDF" -> counts[c] > 0 ? p.weights()[c] : 0;
                    case "TFIDF" -> counts[c] * p.weights()[c];
                    default -> counts[c];
                };
            }
        }
        return Ref.of(DType.F32, y, x.rank() == 2 ? new long[] {rows, p.width()} : new long[] {p.width()});
    }
}
