package dev.panamax.cli.fuzz;

import dev.panamax.apps.serve.ApiError;
import dev.panamax.apps.serve.Input;
import dev.panamax.apps.serve.RequestBodies;
import dev.panamax.tensors.memory.Memory;

/**
 * What the server's request parsers ({@link RequestBodies#parse}) may do with a fuzzed body, for a tiny
 * one-channel image model, input {@code (2, 2, 1)} (small, so that valid seeds are short and mutate fast): return
 * whole instances ({@code rows ≥ 1}, {@code rows × 4} values), or refuse the body
 * with a 400 and a one-line message, leaving no Arrow memory behind and allocating a bounded amount of heap. Anything else (another exception, a 500-class
 * status, a multi-line message, a malformed {@link Input}, a leak, a raster allocated for a header's claim) escapes to Jazzer as a finding.
 */
final class ServeRefusals {
    static final long[] IMAGE = {2, 2, 1};
    /**
     * More heap than a request of a fuzzed size may cost: the largest image the server decodes
     * ({@link dev.panamax.apps.image.GreyPixels#MAX_PIXELS}, 4 bytes a pixel) fits, a header that claims more does not.
     */
    private static final long MAX_HEAP_BYTES = 512L << 20;
    private static final com.sun.management.ThreadMXBean THREAD = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private ServeRefusals() {}

    static void parse(String contentType, byte[] body) {
        long before = Memory.allocatedBytes();
        long heap = THREAD.getCurrentThreadAllocatedBytes();
        try {
            Input in = RequestBodies.parse(contentType, body, IMAGE);
            if (in.rows() < 1 || in.values().length != (long) in.rows() * 4) {
                throw new AssertionError("a parsed body of " + in.rows() + " rows and " + in.values().length + " values");
            }
        } catch (ApiError e) {
            if (e.status() != 400 || e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n") || e.getMessage().contains("\r")) {
                throw new AssertionError("a refusal that is not a 400 with a one-line message: " + e.status() + " " + e.getMessage(), e);
            }
        }
        long allocated = THREAD.getCurrentThreadAllocatedBytes() - heap;
        if (allocated > MAX_HEAP_BYTES) throw new AssertionError("parsing a body of " + body.length + " bytes allocated " + allocated + " bytes of heap");
        long after = Memory.allocatedBytes();
        if (after != before) throw new AssertionError("parsing left " + (after - before) + " bytes of Arrow memory allocated");
    }
}
