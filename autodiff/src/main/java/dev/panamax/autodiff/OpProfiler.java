package dev.panamax.autodiff;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time per op, forward and backward, for finding where a training step goes: run with
 * {@code -Dpanamax.profile=true} and the table is printed to stderr when the JVM exits (or call {@link #report}).
 * Off by default; then each op pays one static-final branch.
 */
public final class OpProfiler {
    /** Whether ops are timed ({@code -Dpanamax.profile=true}). */
    public static final boolean ENABLED = Boolean.getBoolean("panamax.profile");

    private record Cell(LongAdder nanos, LongAdder calls) {}

    private static final Map<String, Cell> CELLS = new ConcurrentHashMap<>();

    static {
        if (ENABLED) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(report())));
    }

    private OpProfiler() {}

    /**
     * Adds {@code nanos} to {@code op}'s row (for work outside ops: optimizer steps, gradient accumulation).
     *
     * @param op    the row's name
     * @param nanos elapsed time in nanoseconds
     */
    public static void record(String op, long nanos) {
        Cell c = CELLS.computeIfAbsent(op, k -> new Cell(new LongAdder(), new LongAdder()));
        c.nanos.add(nanos);
        c.calls.increment();
    }

    /** Clears the counts (for example after warm-up). */
    public static void reset() {
        CELLS.clear();
    }

    /** {@return the table so far: op, calls, total ms, share of the timed total; slowest first} */
    public static String report() {
        long total = CELLS.values().stream().mapToLong(c -> c.nanos.sum()).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %10s %12s %7s%n", "op", "calls", "ms", "share"));
        CELLS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().nanos.sum(), a.getValue().nanos.sum()))
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%-28s %10d %12.1f %6.1f%%%n", e.getKey(),
                        e.getValue().calls.sum(), e.getValue().nanos.sum() / 1e6, 100.0 * e.getValue().nanos.sum() / Math.max(1, total))));
        return sb.toString();
    }
}
