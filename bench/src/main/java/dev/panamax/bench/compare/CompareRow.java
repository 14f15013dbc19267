package dev.panamax.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One line of the report: the median and range of each side and the ratio, oriented so that above 1 means
 * Panamax is better (Panamax/PyTorch for throughput; PyTorch/Panamax for latency and memory).
 *
 * @param pairRatios the ratio of each A/B pair, in round order
 * @param valid null when PyTorch did not run; else whether every pair agreed on the workload's check value
 */
public record CompareRow(String workload, String title, String unit, boolean higherIsBetter, Stats panamax, Stats pytorch,
                         double ratio, double ratioMin, double ratioMax, List<Double> pairRatios, Boolean valid, double numpy,
                         String note) {

    /** Median, minimum and maximum of a side's runs (NaN when there are none). */
    public record Stats(double median, double min, double max, int runs) {
        static Stats of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
            if (v.length == 0) return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stats(median, v[0], v[v.length - 1], v.length);
        }
    }

    /** The rows of one workload: its own, plus p99 latency and peak memory where they apply. */
    public static List<CompareRow> of(Compare.Measured m) {
        Workload w = m.workload();
        Boolean valid = m.pytorch().isEmpty() ? null : agree(m);
        List<CompareRow> rows = new ArrayList<>();
        rows.add(row(w.name(), w.title(), w.unit(), w.higherIsBetter(), m, Compare.Run::value, valid, m.pytorchNote()));
        if (w.name().equals("cnn-latency-1")) {
            rows.add(row(w.name() + "-p99", "MNIST CNN single-image latency p99", "ms", false, m, Compare.Run::p99, valid, null));
        }
        if (w.name().equals("minilm-latency-1")) {
            rows.add(row(w.name() + "-p99", "all-MiniLM-L6-v2 single sentence (16 tokens) latency p99", "ms", false, m, Compare.Run::p99, valid,
                    null));
        }
        if (w.name().equals("minilm-batch32")) {
            rows.add(row("peak-rss-minilm", "Peak resident memory, " + w.title(), "MB", false, m, Compare.Run::peakRssMb, valid,
                    "whole process (VmHWM / ru_maxrss)"));
        }
        if (w.name().equals("gpt-generate")) {
            rows.set(0, row(w.name(), w.title(), w.unit(), w.higherIsBetter(), m, Compare.Run::value, valid, join(m.pytorchNote(), generationNote(m))));
            rows.add(row("gpt-first-token", "GPT first-token latency (8-token prompt and the first choice), batch 1", "ms", false, m,
                    Compare.Run::firstTokenMs, valid, null));
        }
        if (w.name().equals(WholeProcess.WORKLOAD)) {
            rows.add(row("peak-rss-" + w.name(), "Peak resident memory, `train mnist` as a whole process, 1 epoch", "MB", false, m,
                    Compare.Run::peakRssMb, valid, "GNU time -v, maximum resident set size"));
            rows.add(row("cpu-" + w.name(), "CPU time (user + system), `train mnist` as a whole process, 1 epoch", "s", false, m,
                    Compare.Run::cpuSeconds, valid, "GNU time -v; per-core efficiency: below the wall-time ratio when a side uses more cores"));
        }
        if (w.name().startsWith("cnn-step") || w.name().startsWith("cnn-epoch") || w.name().equals("gpt-train")) {
            rows.add(row("peak-rss-" + w.name(), "Peak resident memory, " + w.title(), "MB", false, m, Compare.Run::peakRssMb,
                    valid, "whole process (VmHWM / ru_maxrss)"));
        }
        return rows;
    }

    /** Which of PyTorch's generation loops was faster in how many runs, and how close its nearest greedy tie came. */
    private static String generationNote(Compare.Measured m) {
        if (m.pytorch().isEmpty()) return null;
        Map<String, Long> loops = m.pytorch().stream().filter(r -> r.variant() != null)
                .collect(Collectors.groupingBy(Compare.Run::variant, TreeMap::new, Collectors.counting()));
        double margin = m.pytorch().stream().mapToDouble(Compare.Run::minMargin).filter(Double::isFinite).min().orElse(Double.NaN);
        return String.format(Locale.ROOT, "PyTorch's faster loop per run: %s; smallest top-2 logit gap of a greedy choice %.3g",
                loops.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "/" + m.pytorch().size()).collect(Collectors.joining(", ")),
                margin);
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    private static boolean agree(Compare.Measured m) {
        for (Compare.Run p : m.panamax()) {
            for (Compare.Run t : m.pytorch()) {
                if (!m.workload().agrees(p.check(), t.check())) return false;
            }
        }
        return true;
    }

    private static CompareRow row(String id, String title, String unit, boolean higher, Compare.Measured m,
                                  ToDoubleFunction<Compare.Run> metric, Boolean valid, String note) {
        Stats pan = Stats.of(m.panamax().stream().map(metric::applyAsDouble).toList());
        Stats torch = Stats.of(m.pytorch().stream().map(metric::applyAsDouble).toList());
        int pairs = Math.min(m.panamax().size(), m.pytorch().size());
        double[] ratios = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            ratios[i] = advantage(higher, metric.applyAsDouble(m.panamax().get(i)), metric.applyAsDouble(m.pytorch().get(i)));
        }
        List<Double> inRoundOrder = Arrays.stream(ratios).boxed().toList();
        Arrays.sort(ratios);
        double numpy = Stats.of(m.pytorch().stream().map(Compare.Run::numpy).toList()).median();
        return new CompareRow(id, title, unit, higher, pan, torch, advantage(higher, pan.median(), torch.median()),
                pairs == 0 ? Double.NaN : ratios[0], pairs == 0 ? Double.NaN : ratios[pairs - 1], inRoundOrder, valid,
                id.equals(m.workload().name()) ? numpy : Double.NaN, note);
    }

    static double advantage(boolean higherIsBetter, double panamax, double pytorch) {
        return higherIsBetter ? panamax / pytorch : pytorch / panamax;
    }
}
