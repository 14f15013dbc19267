package dev.panamax.onnx.runtime;

import java.util.Map;
import java.util.TreeMap;

/** Time per operator type over the runs made while {@link #enabled} (for profiling an imported graph). */
public final class Profile {
    /** Switches timing on: {@code -Dpanamax.profile=true}, or set it (off by default: timing a node costs two clock reads). */
    public static volatile boolean enabled = Boolean.getBoolean("panamax.profile");
    private static final Map<String, long[]> TIMES = new TreeMap<>();

    private Profile() {}

    static synchronized void add(String op, long nanos) {
        long[] t = TIMES.computeIfAbsent(op, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    /** One line per operator type, slowest first: total ms, share, calls. */
    public static synchronized String report() {
        long total = TIMES.values().stream().mapToLong(t -> t[0]).sum();
        StringBuilder b = new StringBuilder();
        TIMES.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
                b.append(String.format(java.util.Locale.ROOT, "%-22s %9.1f ms %5.1f%% %7d calls%n", e.getKey(), e.getValue()[0] / 1e6,
                        100.0 * e.getValue()[0] / Math.max(1, total), e.getValue()[1])));
        TIMES.clear();
        return b.toString();
    }
}
