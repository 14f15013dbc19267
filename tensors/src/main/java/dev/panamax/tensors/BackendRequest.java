package dev.panamax.tensors;

import dev.panamax.ffm.NativeLibs;
import dev.panamax.kernels.Settings;
import java.util.Locale;

/**
 * The backend asked for ({@code -Dpanamax.backend=cpu|cuda}, {@code PANAMAX_BACKEND} or {@link Panamax#configure()}),
 * read once, and why it cannot be served. Only the CPU backend exists in this build, so a CUDA request is refused:
 * every op then fails with that one line, instead of quietly running on the CPU; the class itself always loads.
 */
final class BackendRequest {
    /** What was asked for, lower case ({@code cpu} when nothing was). */
    static final String REQUESTED;
    /** Why the request cannot be served, or null when it can. */
    static final String PROBLEM;

    static {
        String p = Settings.get(Panamax.BACKEND, "PANAMAX_BACKEND");
        REQUESTED = p == null ? "cpu" : p.toLowerCase(Locale.ROOT);
        PROBLEM = switch (REQUESTED) {
            case "cpu" -> null;
            case "cuda" -> {
                NativeLibs.Found cuda = NativeLibs.cudaRuntime();
                yield "panamax.backend=cuda was requested, but " + (cuda.available()
                        ? "this build of Panamax has no CUDA backend (libcudart found at " + cuda.path() + ")"
                        : cuda.problem()) + "; unset panamax.backend (or PANAMAX_BACKEND) to run on the CPU";
            }
            default -> "panamax.backend must be cpu or cuda, got '" + p + "'";
        };
    }

    private BackendRequest() {}

    /** Throws the request's problem as a one-line {@link IllegalStateException}, if it has one. */
    static void check() {
        if (PROBLEM != null) throw new IllegalStateException(PROBLEM);
    }
}
