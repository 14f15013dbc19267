package dev.panamax.autodiff;

/**
 * Per-thread switches of the tape: whether ops are recorded ({@link #noGrad()}), and the opt-in anomaly mode
 * that checks every gradient for NaN or Inf and names the op that produced it.
 *
 * <pre>{@code
 * try (var off = GradMode.noGrad()) { ... evaluation: nothing is recorded ... }
 * try (var on = GradMode.detectAnomaly()) { loss.backward(); }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);
    private static final ThreadLocal<int[]> ANOMALY = ThreadLocal.withInitial(() -> new int[1]);

    /** Closes a mode switch, restoring the previous state. */
    public interface Switch extends AutoCloseable {
        @Override
        void close();
    }

    private GradMode() {}

    /** {@return true when ops on this thread record onto the tape} */
    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    /**
     * Stops recording on this thread until the returned switch is closed (nests).
     *
     * @return the switch that restores recording when closed (use try-with-resources)
     */
    public static Switch noGrad() {
        int[] d = DISABLED.get();
        d[0]++;
        return () -> d[0]--;
    }

    /**
     * Records on this thread until the returned switch is closed, even inside {@link #noGrad()} (PyTorch's
     * {@code enable_grad}): for code that needs gradients of its own, such as a gradient penalty evaluated where
     * the caller turned recording off.
     *
     * @return the switch that restores the previous state
     */
    public static Switch enableGrad() {
        int[] d = DISABLED.get();
        int before = d[0];
        d[0] = 0;
        return () -> d[0] = before;
    }

    /**
     * Whether anomaly detection is on for this thread.
     *
     * @return true inside {@link #detectAnomaly()}
     */
    public static boolean isAnomalyDetection() {
        return ANOMALY.get()[0] > 0;
    }

    /**
     * Checks every gradient computed on this thread for NaN/Inf until closed.
     *
     * @return the switch that turns the check off again when closed
     */
    public static Switch detectAnomaly() {
        int[] a = ANOMALY.get();
        a[0]++;
        return () -> a[0]--;
    }
}
