package dev.panamax.bench.cli;

import dev.panamax.bench.compare.CompareRow;
import dev.panamax.cli.Reports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The comparison's PNG: a bar chart of the ratios (above 1: Panamax better), one bar per row with a ratio. */
final class RatioChart {
    private RatioChart() {}

    static void write(Path png, List<CompareRow> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<CompareRow> shown = rows.stream().filter(r -> Double.isFinite(r.ratio())).toList();
        if (shown.isEmpty()) return;
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(600)
                .title("Panamax vs PyTorch (above 1: Panamax better)").yAxisTitle("ratio").build();
        // Upright labels with a small spacing hint: at 35° and the default hint XChart left out every other of 13 labels.
        chart.getStyler().setXAxisLabelRotation(90).setXAxisTickMarkSpacingHint(20);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("ratio", shown.stream().map(r -> r.workload() + (Boolean.FALSE.equals(r.valid()) ? " (INVALID)" : "")).toList(),
                shown.stream().map(CompareRow::ratio).toList());
        Reports.save(png, chart);
    }
}
