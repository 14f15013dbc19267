package dev.panamax.apps.timeseries;

import dev.panamax.tensors.Tensor;

/**
 * Windowed supervised learning on one series, one step ahead: the example for target {@code t} is the window
 * {@code s[t-W, t)} and the target {@code s[t]}. Both are taken relative to the window's last value and scaled,
 * {@code x = (s[t-W..t) - s[t-1]) / inScale}, {@code y = (s[t] - s[t-1]) / outScale}: the models learn the next
 * change from the recent shape, so a trending series (CO2 rises every year) never leaves the range seen in
 * training. Scales come from the training part only. Targets {@code t < split} train; {@code t >= split} test.
 */
record Windows(double[] series, int window, int split, double inScale, double outScale) {
    static Windows of(double[] s, int window, int split) {
        double sumIn = 0, sumOut = 0;
        long nIn = 0, nOut = 0;
        for (int t = window; t < split; t++) {
            double last = s[t - 1];
            for (int j = t - window; j < t; j++) {
                sumIn += (s[j] - last) * (s[j] - last);
                nIn++;
            }
            sumOut += (s[t] - last) * (s[t] - last);
            nOut++;
        }
        double in = Math.sqrt(sumIn / Math.max(1, nIn)), out = Math.sqrt(sumOut / Math.max(1, nOut));
        return new Windows(s, window, split, in > 0 ? in : 1, out > 0 ? out : 1);
    }

    /** Inputs {@code (N, W, 1)} F32 for targets {@code [from, to)}. */
    Tensor inputs(int from, int to) {
        float[] x = new float[(to - from) * window];
        for (int t = from; t < to; t++) {
            double last = series[t - 1];
            for (int j = 0; j < window; j++) x[(t - from) * window + j] = (float) ((series[t - window + j] - last) / inScale);
        }
        return Tensor.of(x, to - from, window, 1);
    }

    /** Targets {@code (N, 1)} F32 for {@code [from, to)}. */
    Tensor targets(int from, int to) {
        float[] y = new float[to - from];
        for (int t = from; t < to; t++) y[t - from] = (float) ((series[t] - series[t - 1]) / outScale);
        return Tensor.of(y, to - from, 1);
    }

    /** A scaled predicted change back in the series' units: {@code s[t-1] + y·outScale}. */
    double unscale(int t, double y) {
        return series[t - 1] + y * outScale;
    }
}
