package dev.panamax.tensors.memory;

import java.util.Locale;

/**
 * Tensor memory the process could not get: the message names the size, and layers and loaders that catch it
 * add which layer or tensor asked. An {@link IllegalStateException}, so the CLI reports it as one line.
 */
public final class AllocationFailedException extends IllegalStateException {
    private final long bytes;
    private final String context;

    /** A failed request for {@code bytes} of tensor memory; {@code context} (may be empty) prefixes the message. */
    public AllocationFailedException(String context, long bytes, Throwable cause) {
        super(context + "cannot allocate " + human(bytes) + " (" + bytes + " bytes) of tensor memory: more than this process can get."
                + " Use a smaller model or batch, or give the process more memory", cause);
        this.bytes = bytes;
        this.context = context;
    }

    /** The size that could not be allocated. */
    public long bytes() {
        return bytes;
    }

    /**
     * The same failure with what asked for the memory in front, outermost first ("layer 'dense_1': op MatMul
     * forward: cannot allocate …").
     */
    public AllocationFailedException in(String what) {
        return new AllocationFailedException(what + ": " + context, bytes, getCause());
    }

    /** {@code bytes} in the largest binary unit that keeps it at or above 1 ("4.6 TB"). */
    public static String human(long bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
