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
    /** An empty history, to {@link #record} epochs into. */
    public History() {}

    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();

    /**
     * Appends one epoch's metrics.
     *
     * @param epochLogs the epoch's metrics by name
     */
    public void record(Map<String, Double> epochLogs) {
        epochLogs.forEach((k, v) -> metrics.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    /**
     * Appends every epoch of {@code later} (a resumed run's epochs after a restored history).
     *
     * @param later the history to append
     */
    public void recordAll(History later) {
        for (int e = 0; e < later.epochs(); e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            for (var m : later.metrics.entrySet()) if (e < m.getValue().size()) logs.put(m.getKey(), m.getValue().get(e));
            record(logs);
        }
    }

    /** {@return an independent copy} */
    public History copy() {
        History h = new History();
        h.recordAll(this);
        return h;
    }

    /**
     * Reads a file {@link #writeCsv} wrote (a checkpoint's history). Values come back as written, to six decimals,
     * so writing them again gives the same file.
     *
     * @param path a file {@link #writeCsv} wrote
     * @return the history it holds
     * @throws IOException when the file cannot be read or is not such a CSV
     */
    public static History readCsv(Path path) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(path);
        if (lines.isEmpty() || !lines.get(0).startsWith("epoch")) throw new IOException(path + ": not a history file (its first line must start with 'epoch')");
        String[] names = lines.get(0).split(",", -1);
        History h = new History();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) continue;
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != names.length) throw new IOException(path + ": line " + (i + 1) + " has " + cells.length + " cells, the header " + names.length);
            Map<String, Double> logs = new LinkedHashMap<>();
            try {
                for (int c = 1; c < cells.length; c++) if (!cells[c].isEmpty()) logs.put(names[c], Double.parseDouble(cells[c]));
            } catch (NumberFormatException e) {
                throw new IOException(path + ": line " + (i + 1) + " holds a value that is not a number", e);
            }
            h.record(logs);
        }
        return h;
    }

    /** {@return every metric by name, one value per epoch (the live map)} */
    public Map<String, List<Double>> metrics() {
        return metrics;
    }

    /**
     * One metric's values.
     *
     * @param name the metric, e.g. "val_loss"
     * @return one value per epoch, empty when the metric was never recorded
     */
    public List<Double> get(String name) {
        return metrics.getOrDefault(name, List.of());
    }

    /** {@return the number of epochs recorded} */
    public int epochs() {
        return metrics.values().stream().mapToInt(List::size).max().orElse(0);
    }

    /**
     * Writes {@code epoch,metric1,metric2...} atomically (temporary file + rename).
     *
     * @param path the file to write; replaced if it exists
     * @throws IOException when it cannot be written (an existing file is left as it was)
     */
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
