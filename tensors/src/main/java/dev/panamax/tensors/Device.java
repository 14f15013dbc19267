package dev.panamax.tensors;

import java.util.Locale;

/**
 * Where a tensor's bytes live. Ops ask a tensor for its device and run on that device's {@link Backend}, so a
 * backend for another device can be added without touching ops or layers. The shape is PyTorch's
 * {@code torch.device}: {@link #CPU}, {@link #cuda(int)}, {@link #of(String)} ("cpu", "cuda:0"), and
 * {@link Tensor#to(Device)}; the CPU is the only device this build runs on.
 */
public enum Device {
    /** Host memory: Arrow buffers viewed as {@code MemorySegment}s. */
    CPU;

    /**
     * The {@code index}-th CUDA device, as {@code torch.device("cuda", index)}.
     *
     * @param index the GPU's number (0 for the first)
     * @return never, in this build
     * @throws IllegalStateException always: no CUDA backend is installed here
     */
    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("Device.cuda(" + index + "): the index must be 0 or more");
        throw new IllegalStateException("Device.cuda(" + index + "): no CUDA device/library: this Panamax build has only the CPU "
                + "backend; use Device.CPU");
    }

    /**
     * The device named as PyTorch names it: {@code "cpu"}, {@code "cuda"} or {@code "cuda:N"} (case-insensitive).
     *
     * @param name the name
     * @return the device
     * @throws IllegalArgumentException for a name that is no device
     * @throws IllegalStateException for a CUDA device (see {@link #cuda(int)})
     */
    public static Device of(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) return CPU;
        if (n.equals("cuda")) return cuda(0);
        if (n.matches("cuda:\\d{1,4}")) return cuda(Integer.parseInt(n.substring(5)));
        throw new IllegalArgumentException("unknown device '" + name + "'; expected cpu, cuda or cuda:N");
    }

    /**
     * The device's type as PyTorch prints it ("cpu").
     *
     * @return the lower-case type
     */
    public String type() {
        return name().toLowerCase(Locale.ROOT);
    }
}
