package dev.panamax.cli;

import dev.panamax.nn.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: on a terminal a bar per epoch with ETA, samples/s and the running loss and accuracy;
 * otherwise (CI logs, pipes) one plain line per epoch.
 */
final class Progress implements TrainingListener {
    private final PrintStream out;
    private final boolean terminal = System.console() != null && System.console().isTerminal();
    private ProgressBar bar;
    private int epochs;
    private long epochStart;

    Progress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochBegin(int epoch, int epochs, int steps) {
        this.epochs = epochs;
        epochStart = System.nanoTime();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, epochs))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .showSpeed().setUnit(" steps", 1).build();
        }
    }

    @Override
    public void onBatchEnd(int step, int samples, Map<String, Double> logs) {
        if (bar != null) {
            double sps = samples / ((System.nanoTime() - epochStart) / 1e9);
            bar.stepTo(step + 1);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.4f %,.0f samples/s", logs.get("loss"), logs.get("accuracy"), sps));
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (bar != null) bar.close();
        bar = null;
        double s = (System.nanoTime() - epochStart) / 1e9;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Epoch %d/%d - %.1f s", epoch + 1, epochs, s));
        logs.forEach((k, v) -> line.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
        out.println(line);
    }
}
