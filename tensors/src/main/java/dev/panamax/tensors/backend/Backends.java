package dev.panamax.tensors.backend;

import dev.panamax.ffm.NativeLibs;
import dev.panamax.kernels.Simd;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Device;
import java.util.Locale;

/**
 * Which compute backend runs tensor ops, chosen once: {@code -Dpanamax.backend=cpu|cuda} or
 * {@code PANAMAX_BACKEND}, default {@code cpu}. A backend whose native libraries are missing is never fatal:
 * the choice falls back to the pure Java CPU backend and {@link #reason()} says why.
 */
public final class Backends {
    /** The backends Panamax knows. */
    public enum Kind { CPU, CUDA }

    private static final String REQUESTED = requested();
    private static final Kind SELECTED;
    private static final String REASON;

    static {
        Kind want;
        try {
            want = Kind.valueOf(REQUESTED.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("panamax.backend must be 'cpu' or 'cuda', got '" + REQUESTED + "'");
        }
        if (want == Kind.CUDA) {
            NativeLibs.Found cuda = NativeLibs.cudaRuntime();
            // The CUDA backend itself arrives with its issue; until then a CUDA request runs on the CPU.
            SELECTED = Kind.CPU;
            REASON = cuda.available()
                    ? "cuda requested and libcudart found at " + cuda.path() + ", but this build has no CUDA backend yet; using cpu"
                    : "cuda requested but " + cuda.problem();
        } else {
            SELECTED = Kind.CPU;
            REASON = "default";
        }
    }

    private Backends() {}

    private static String requested() {
        String p = System.getProperty("panamax.backend", System.getenv("PANAMAX_BACKEND"));
        return p == null || p.isBlank() ? "cpu" : p.trim();
    }

    public static Kind selected() {
        return SELECTED;
    }

    /** Why {@link #selected()} is what it is. */
    public static String reason() {
        return REASON;
    }

    /** One line for {@code panamax doctor}. */
    public static String describe() {
        String simd = Simd.ENABLED ? "Vector API kernels" : "scalar kernels (Vector API off)";
        return Backend.forDevice(Device.CPU).name() + " (" + simd + "; requested: " + REQUESTED + ", " + REASON + ")";
    }
}
