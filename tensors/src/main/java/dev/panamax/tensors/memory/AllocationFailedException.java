package dev.panamax.tensors.memory;

import java.util.Locale;

/**
 * Tensor memory the process could not get: the message names the size, and layers and loaders that catch it
 * add which layer or tensor asked. An {@link IllegalStateException}, so the CLI reports it as one line.
 */
public final class AllocationFailedException extends IllegalStateException {
    /** The size that could not be allocated. */
    private final long bytes;
    /** What asked for the memory, outermost first; empty when unknown. */
    private final String context;

    /**
     * A failed request for {@code bytes} of tensor memory; {@code context} (may be empty) prefixes the message.
     *
     * @param context what asked, or empty
     * @param bytes   the size requested
     * @param cause   the allocator's failure
     */
    public AllocationFailedException(String context, long bytes, Throwable cause) {
        super(context + "cannot allocate " + human(bytes) + " (" + bytes + " bytes) of tensor memory: more than this process can get."
                + " Use a smaller model or batch, or give the process more memory", cause);
        this.bytes = bytes;
        this.context = context;
    }

    /** {@return the size that could not be allocated} */
    public long bytes() {
        return bytes;
    }

    /**
     * The same failure with what asked for the memory in front, outermost first ("layer 'dense_1': op MatMul
     * forward: cannot allocate …").
     *
     * @param what what asked, e.g. "layer 'dense_1'"
     * @return a new exception with the longer message and the same cause
     */
    public AllocationFailedException in(String what) {
        return new AllocationFailedException(what + ": " + context, bytes, getCause());
    }

    /**
     * {@code bytes} in the largest binary unit that keeps it at or above 1 ("4.6 TB").
     *
     * @param bytes a byte count
     * @return e.g. "512 B", "1.5 MB"
     */
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
