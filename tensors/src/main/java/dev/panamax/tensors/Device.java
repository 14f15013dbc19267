package dev.panamax.tensors;

/**
 * Where a tensor's bytes live. Ops ask a tensor for its device and run on that device's {@link Backend}, so a
 * backend for another device can be added without touching ops or layers.
 */
public enum Device {
    /** Host memory: Arrow buffers viewed as {@code MemorySegment}s. */
    CPU
}
