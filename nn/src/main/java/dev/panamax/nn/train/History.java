package dev.panamax.nn.train;

import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-epoch metrics of a fit, like Keras' {@code History.history}: name → one value per epoch. */
public final class History {
    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();

    public void record(Map<String, Double> epochLogs) {
        epochLogs.forEach((k, v) -> metrics.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    public Map<String, List<Double>> metrics() {
        return metrics;
    }

    public List<Double> get(String name) {
        return metrics.getOrDefault(name, List.of());
    }

    public int epochs() {
        return metrics.values().stream().mapToInt(List::size).max().orElse(0);
    }

    /** Writes {@code epoch,metric1,metric2...} atomically (temporary file + rename). */
    public void writeCsv(Path path) throws IOException {
        StringBuilder sb = new StringBuilder("epoch");
        for (String k : metrics.keySet()) sb.append(',').append(k);
        sb.append('\n');
        for (int e = 0; e < epochs(); e++) {
            sb.append(e + 1);
            for (List<Double> v : metrics.values()) sb.append(',').append(e < v.size() ? String.format(Locale.ROOT, "%.6f", v.get(e)) : "");
            sb.append('\n');
        }
        AtomicFiles.write(path, sb.toString());
    }
}
