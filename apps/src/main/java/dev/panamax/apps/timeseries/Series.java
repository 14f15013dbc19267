package dev.panamax.apps.timeseries;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A univariate series read from a CSV of {@code label,value} rows under one header line (statsmodels' data sets:
 * {@code date,co2}). A missing value (an empty field, {@code NA}, {@code nan}) is either refused with the line
 * that has it ({@code interpolate} false: a user's file, which only its owner can fix) or filled by straight-line
 * interpolation between its neighbours, the ends by the nearest value ({@code interpolate} true: the CO2 series,
 * whose weekly record has gaps); how many were filled is kept so that the report can say so.
 *
 * @param labels       the first column of every row (dates)
 * @param values       the last column, gaps filled
 * @param interpolated how many values were filled in
 */
public record Series(String source, List<String> labels, double[] values, int interpolated) {
    public int size() {
        return values.length;
    }

    public static Series read(Path csv, boolean interpolate) throws IOException {
        if (!Files.isRegularFile(csv)) throw new IOException(csv + ": no such file");
        return parse(csv.toString(), Files.readString(csv, StandardCharsets.UTF_8), interpolate);
    }

    public static Series parse(String source, String text, boolean interpolate) throws IOException {
        String[] lines = text.split("\r?\n");
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int missing = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            int comma = line.lastIndexOf(',');
            String label = comma < 0 ? String.valueOf(labels.size()) : line.substring(0, line.indexOf(',')).replace("\"", "");
            String field = (comma < 0 ? line : line.substring(comma + 1)).strip().replace("\"", "");
            Double v = null;
            if (!field.isEmpty() && !field.equalsIgnoreCase("na") && !field.equalsIgnoreCase("nan")) {
                try {
                    v = Double.parseDouble(field);
                } catch (NumberFormatException e) {
                    throw new IOException(source + " line " + (i + 1) + ": '" + field + "' is not a number");
                }
                if (!Double.isFinite(v)) v = null;
            }
            if (v == null) {
                if (!interpolate) {
                    throw new IOException(source + " line " + (i + 1) + ": missing value; fill it in (or interpolate the gaps) before training");
                }
                missing++;
            }
            labels.add(label);
            values.add(v);
        }
        if (values.stream().allMatch(java.util.Objects::isNull)) throw new IOException(source + ": no values under the header line");
        return new Series(source, List.copyOf(labels), fill(values), missing);
    }

    /** Straight lines across inner gaps; the nearest value before the first and after the last. */
    static double[] fill(List<Double> v) {
        int n = v.size();
        double[] out = new double[n];
        int prev = -1;
        for (int i = 0; i < n; i++) {
            if (v.get(i) == null) continue;
            out[i] = v.get(i);
            if (prev < 0) {
                for (int j = 0; j < i; j++) out[j] = out[i];
            } else {
                for (int j = prev + 1; j < i; j++) out[j] = out[prev] + (out[i] - out[prev]) * (j - prev) / (i - prev);
            }
            prev = i;
        }
        for (int j = prev + 1; j < n; j++) out[j] = out[prev];
        return out;
    }
}
