package dev.panamax.kernels.conv;

import java.util.Arrays;

/**
 * Float arrays each thread keeps from one kernel call to the next, in numbered slots, grown to the largest asked for:
 * allocated per call, a convolution's blocks and transformed tiles were most of a training step's garbage (JFR), a
 * young collection every step. An array is the calling thread's until its next request for the same slot, so it lives
 * only within the kernel call that asked. Requests over {@code kept} floats get a new array, not kept.
 */
final class ThreadFloats {
    private final ThreadLocal<float[][]> arrays;
    private final int kept;

    ThreadFloats(int slots, int kept) {
        this.arrays = ThreadLocal.withInitial(() -> new float[slots][0]);
        this.kept = kept;
    }

    /** {@return the thread's array in {@code slot}, at least {@code floats} long, contents left over} */
    float[] atLeast(int slot, int floats) {
        if (floats > kept) return new float[floats];
        float[][] a = arrays.get();
        if (a[slot].length < floats) a[slot] = new float[floats];
        return a[slot];
    }

    /** {@return the thread's array in {@code slot} with its first {@code floats} zeroed} */
    float[] zeros(int slot, int floats) {
        float[][] a = arrays.get();
        if (floats > kept || a[slot].length < floats) return atLeast(slot, floats);  // new: zeros already
        Arrays.fill(a[slot], 0, floats, 0f);
        return a[slot];
    }
}
