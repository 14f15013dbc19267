package dev.panamax.bench.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The comparison's text outputs: one JSON object per row, a Markdown report and a CSV. */
public final class CompareReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompareReport() {}

    /** {@code workload}, {@code panamax}, {@code pytorch}, {@code unit}, {@code ratio}, {@code valid}, then the ranges. */
    public static String json(CompareRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", r.workload());
        m.put("panamax", finite(r.panamax().median()));
        m.put("pytorch", finite(r.pytorch().median()));
        m.put("unit", r.unit());
        m.put("ratio", finite(r.ratio()));
        m.put("valid", r.valid());
        m.put("higher_is_better", r.higherIsBetter());
        m.put("panamax_min", finite(r.panamax().min()));
        m.put("panamax_max", finite(r.panamax().max()));
        m.put("pytorch_min", finite(r.pytorch().min()));
        m.put("pytorch_max", finite(r.pytorch().max()));
        m.put("ratio_min", finite(r.ratioMin()));
        m.put("ratio_max", finite(r.ratioMax()));
        m.put("pair_ratios", r.pairRatios().stream().map(CompareReport::finite).toList());
        if (Double.isFinite(r.numpy())) m.put("numpy", r.numpy());
        if (r.note() != null) m.put("note", r.note());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public static String csv(List<CompareRow> rows) {
        StringBuilder sb = new StringBuilder(
                "workload,unit,higher_is_better,panamax,panamax_min,panamax_max,pytorch,pytorch_min,pytorch_max,ratio,ratio_min,ratio_max,pair_ratios,valid,numpy\n");
        for (CompareRow r : rows) {
            sb.append(String.join(",", r.workload(), r.unit(), Boolean.toString(r.higherIsBetter()), num(r.panamax().median()),
                    num(r.panamax().min()), num(r.panamax().max()), num(r.pytorch().median()), num(r.pytorch().min()),
                    num(r.pytorch().max()), num(r.ratio()), num(r.ratioMin()), num(r.ratioMax()),
                    String.join(";", r.pairRatios().stream().map(CompareReport::num).toList()), r.valid() == null ? "" : r.valid().toString(), num(r.numpy()))).append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /** The Markdown report: machine and settings, then one table row per result. */
    public static String markdown(List<CompareRow> rows, Map<String, Map<String, Object>> sides, String machine, String settings) {
        StringBuilder sb = new StringBuilder("# Panamax vs PyTorch (and ONNX Runtime for the MiniLM rows)\n\n");
        sb.append("Machine: ").append(machine).append("\n\n");
        sb.append("Settings: ").append(settings).append("\n\n");
        sides.forEach((side, d) -> {
            sb.append("- **").append(side).append("**: ");
            sb.append(String.join("; ", d.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())).append('\n');
        });
        sb.append("\nEach figure: median (min–max) over the rounds, each run in a fresh process, the two sides alternating. ");
        sb.append("Ratio: above 1 means Panamax is better (Panamax/other for throughput, other/Panamax for time and memory); ");
        sb.append("in brackets the lowest and highest ratio of a single A/B pair. Valid: both sides' loss (or checksum) agreed.\n\n");
        sb.append("| Workload | Unit | Panamax | PyTorch or ONNX Runtime | Ratio | Valid |\n|---|---|---:|---:|---:|:---:|\n");
        for (CompareRow r : rows) {
            sb.append("| ").append(r.title()).append(" | ").append(r.unit()).append(" | ").append(range(r.panamax())).append(" | ")
                    .append(range(r.pytorch())).append(Double.isFinite(r.numpy()) ? String.format(Locale.ROOT, " (NumPy %s)", fmt(r.numpy())) : "")
                    .append(" | ").append(Double.isFinite(r.ratio())
                            ? String.format(Locale.ROOT, "**%.2f** (%.2f–%.2f)", r.ratio(), r.ratioMin(), r.ratioMax()) : "–")
                    .append(" | ").append(r.valid() == null ? "–" : r.valid() ? "yes" : "**NO**").append(" |\n");
        }
        List<String> notes = rows.stream().filter(r -> r.note() != null && !r.note().startsWith("whole")).map(r -> r.workload() + ": " + r.note()).toList();
        if (!notes.isEmpty()) sb.append("\n").append(String.join("  \n", notes)).append('\n');
        return sb.toString();
    }

    private static String range(CompareRow.Stats s) {
        if (s.runs() == 0) return "–";
        return fmt(s.median()) + " (" + fmt(s.min()) + "–" + fmt(s.max()) + ")";
    }

    static String fmt(double v) {
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes {@code compare-<date>.md}, {@code .csv} and {@code .jsonl} into {@code dir}, atomically; returns the .md path. */
    public static Path write(Path dir, String date, List<CompareRow> rows, String markdown) throws IOException {
        Path md = dir.resolve("compare-" + date + ".md");
        AtomicFiles.write(md, markdown);
        AtomicFiles.write(dir.resolve("compare-" + date + ".csv"), csv(rows));
        AtomicFiles.write(dir.resolve("compare-" + date + ".jsonl"),
                String.join("\n", rows.stream().map(CompareReport::json).toList()) + "\n");
        return md;
    }
}
