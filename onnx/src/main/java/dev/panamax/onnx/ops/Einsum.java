package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Einsum with any equation, explicit ({@code ij,jk->ik}) or implicit ({@code ij,jk}), with broadcast ellipses:
 * every label becomes a loop over its size, and each product of the operands' elements is added into the output
 * element its output labels name. A reference loop, exact and general; and Det, by Gaussian elimination.
 */
final class Einsum {
    private Einsum() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Einsum", (node, opset) -> {
            String equation = node.attributes().s("equation", "").replace(" ", "");
            if (equation.isEmpty()) throw new IllegalArgumentException(node.describe() + ": the 'equation' attribute is required");
            return in -> new Tensor[] {einsum(equation, in)};
        });
        ops.put("Det", (node, opset) -> in -> new Tensor[] {det(in[0])});
    }

    private static Tensor einsum(String equation, Tensor[] in) {
        String[] sides = equation.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != in.length) throw new IllegalArgumentException("equation '" + equation + "' has " + terms.length + " operands, got " + in.length);
        int ell = 0;
        for (int k = 0; k < terms.length; k++) {
            if (terms[k].contains("...")) ell = Math.max(ell, in[k].rank() - (terms[k].length() - 3));
        }
        // Labels: letters as themselves, the ellipsis's dimensions as 1000 + position (right-aligned).
        int[][] labels = new int[in.length][];
        Map<Integer, Long> size = new TreeMap<>();
        Map<Integer, Integer> count = new LinkedHashMap<>();
        for (int k = 0; k < terms.length; k++) {
            labels[k] = parse(terms[k], in[k].rank(), ell);
            for (int i = 0; i < labels[k].length; i++) {
                long d = in[k].dim(i);
                size.merge(labels[k][i], d, (a, b) -> a == 1 ? b : b == 1 ? a : a.equals(b) ? a : bad(equation));
                count.merge(labels[k][i], 1, Integer::sum);
            }
        }
        int[] outLabels;
        if (sides.length > 1) {
            outLabels = parse(sides[1], -1, ell);
        } else {
            List<Integer> o = new ArrayList<>();
            for (int e = 0; e < ell; e++) o.add(1000 + e);
            count.keySet().stream().filter(l -> l < 1000 && count.get(l) == 1).sorted().forEach(o::add);
            outLabels = o.stream().mapToInt(Integer::intValue).toArray();
        }
        List<Integer> all = new ArrayList<>(size.keySet());
        long[] dims = all.stream().mapToLong(size::get).toArray();
        long[] outShape = Arrays.stream(outLabels).mapToLong(l -> size.getOrDefault(l, 1L)).toArray();
        double[][] vals = new double[in.length][];
        long[][] strides = new long[in.length][];
        int[][] where = new int[in.length][];
        for (int k = 0; k < in.length; k++) {
            vals[k] = in[k].toDoubleArray();
            strides[k] = Ref.strides(in[k].shape());
            where[k] = positions(labels[k], all);
        }
        int[] outWhere = positions(outLabels, all);
        long[] outStrides = Ref.strides(outShape);
        double[] out = new double[(int) Ref.numel(outShape)];
        long[] idx = new long[all.size()];
        for (long f = 0, total = Ref.numel(dims); f < total; f++) {
            Ref.unravel(f, dims, idx);
            double p = 1;
            for (int k = 0; k < in.length; k++) {
                long at = 0;
                for (int i = 0; i < where[k].length; i++) at += (in[k].dim(i) == 1 ? 0 : idx[where[k][i]]) * strides[k][i];
                p *= vals[k][(int) at];
            }
            long o = 0;
            for (int i = 0; i < outWhere.length; i++) o += idx[outWhere[i]] * outStrides[i];
            out[(int) o] += p;
        }
        return Ref.of(in[0].dtype(), out, outShape);
    }

    private static long bad(String equation) {
        throw new IllegalArgumentException("equation '" + equation + "': a label has two different sizes");
    }

    /** The labels of one term; {@code rank} -1 for the output (its ellipsis has all {@code ell} dimensions). */
    private static int[] parse(String term, int rank, int ell) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < term.length(); i++) {
            if (term.startsWith("...", i)) {
                int e = rank < 0 ? ell : rank - (term.length() - 3);
                for (int j = ell - e; j < ell; j++) l.add(1000 + j);
                i += 2;
            } else {
                char c = term.charAt(i);
                if (!Character.isLetter(c)) throw new IllegalArgumentException("einsum label '" + c + "' is not a letter");
                l.add((int) c);
            }
        }
        if (rank >= 0 && l.size() != rank) throw new IllegalArgumentException("term '" + term + "' has " + l.size() + " labels for rank " + rank);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] positions(int[] labels, List<Integer> all) {
        int[] p = new int[labels.length];
        for (int i = 0; i < p.length; i++) p[i] = all.indexOf(labels[i]);
        return p;
    }

    /** The determinant of each {@code (…, n, n)} matrix, with partial pivoting. */
    private static Tensor det(Tensor x) {
        long[] s = x.shape();
        int n = (int) s[s.length - 1];
        double[] v = x.toDoubleArray();
        int count = v.length / Math.max(1, n * n);
        double[] out = new double[count];
        for (int m = 0; m < count; m++) {
            double[] a = Arrays.copyOfRange(v, m * n * n, (m + 1) * n * n);
            double d = 1;
            for (int col = 0; col < n; col++) {
                int piv = col;
                for (int r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[piv * n + col])) piv = r;
                if (a[piv * n + col] == 0) {
                    d = 0;
                    break;
                }
                if (piv != col) {
                    for (int j = 0; j < n; j++) {
                        double t = a[col * n + j];
                        a[col * n + j] = a[piv * n + j];
                        a[piv * n + j] = t;
                    }
                    d = -d;
                }
                d *= a[col * n + col];
                for (int r = col + 1; r < n; r++) {
                    double f = a[r * n + col] / a[col * n + col];
                    for (int j = col; j < n; j++) a[r * n + j] -= f * a[col * n + j];
                }
            }
            out[m] = d;
        }
        return Ref.of(x.dtype(), out, Arrays.copyOf(s, s.length - 2));
    }
}
