package dev.panamax.tensors.backend;

import dev.panamax.kernels.Simd;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Device;
import dev.panamax.tensors.Panamax;

/**
 * Which compute backend runs tensor ops: {@code -Dpanamax.backend=cpu|cuda}, {@code PANAMAX_BACKEND} or
 * {@link Panamax#configure()}, default {@code cpu}. This build has the CPU backend only: a CUDA request makes every
 * op fail with one line that says why (see {@link Panamax#backendProblem()}), rather than run on the CPU unasked.
 */
public final class Backends {
    /** The backends Panamax knows. */
    public enum Kind { CPU, CUDA }

    private Backends() {}

    /** The backend that runs ops: the CPU one (a request this build cannot serve fails at the first op instead). */
    public static Kind selected() {
        return Kind.CPU;
    }

    /** Why {@link #selected()} is what it is. */
    public static String reason() {
        String problem = Panamax.backendProblem();
        return problem != null ? problem : "requested: " + Panamax.requestedBackend();
    }

    /** One line for {@code panamax doctor}. */
    public static String describe() {
        String problem = Panamax.backendProblem();
        if (problem != null) return "none: " + problem;
        String simd = Simd.ENABLED ? "Vector API kernels" : "scalar kernels (Vector API off)";
        return Backend.forDevice(Device.CPU).name() + " (" + simd + "; requested: " + Panamax.requestedBackend() + ")";
    }
}
