package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * Transformed Winograd kernels kept by each thread from one forward pass to the next. Transforming MNIST conv2's
 * kernel was 17 % of a single image's prediction (JFR); kept, a prediction only checks it. Each kept kernel holds a
 * copy of the raw kernel it was made from and is used only while the kernel's bytes still equal that copy (one
 * vectorised comparison, which stops at the first difference, as after every training step): whatever wrote the
 * weights (an optimizer, a checkpoint load, a raw segment write), a changed kernel is transformed again, with no
 * version counter that every writer would have to keep. A few kernels per thread (one per Winograd layer of a
 * model and pass: the input gradient takes the kernel transposed), each at most 1 MB transformed; the arrays are only
 * read while the pass that asked runs on them.
 */
final class KeptWinogradKernels {
    /** Largest transformed kernel kept (1 MB); a larger one is transformed into a new array each call. */
    static final int MAX_FLOATS = 1 << 18;
    private static final int ENTRIES = 8;
    private static final ThreadLocal<KeptWinogradKernels> KEPT = ThreadLocal.withInitial(KeptWinogradKernels::new);

    /** One kept kernel: where it was read, its channels, for which pass, its raw copy and its transform. */
    private static final class Entry {
        long address;
        int c, f;
        boolean forInputGradient;
        float[] raw = new float[0], transposed = raw, transformed = raw;
    }

    private final Entry[] entries = new Entry[ENTRIES];
    private int next;

    private KeptWinogradKernels() {}

    /**
     * {@return the kernel {@code (3, 3, C, F)} at {@code kOff} transformed as {@link WinogradConv#transformKernel} does it,
     * or, {@code forInputGradient}, as {@link WinogradConv#transformKernelForInputGradient} does}
     */
    static float[] transformed(Conv2dShape s, MemorySegment kernel, long kOff, boolean forInputGradient) {
        if (WinogradConv.transformedFloats(s) > MAX_FLOATS) return transform(s, kernel, kOff, forInputGradient, null);
        return KEPT.get().lookUp(s, kernel, kOff, forInputGradient);
    }

    private static float[] transform(Conv2dShape s, MemorySegment kernel, long kOff, boolean forInputGradient, float[] into) {
        return forInputGradient ? WinogradConv.transformKernelForInputGradient(s, kernel, kOff, into) : WinogradConv.transformKernel(s, kernel, kOff, into);
    }

    private float[] lookUp(Conv2dShape s, MemorySegment kernel, long kOff, boolean forInputGradient) {
        int raw = 9 * s.c() * s.f();
        long address = kernel.address() + kOff * Float.BYTES, from = kOff * Float.BYTES, bytes = (long) raw * Float.BYTES;
        Entry e = find(address, s.c(), s.f(), forInputGradient);
        if (e != null && MemorySegment.mismatch(MemorySegment.ofArray(e.raw), 0, bytes, kernel, from, from + bytes) == -1) {
            return e.transformed;
        }
        if (e == null) e = replaceNext(s, address, forInputGradient);
        MemorySegment.copy(kernel, JAVA_FLOAT_UNALIGNED, from, e.raw, 0, raw);
        // From the copy just taken: no further copy, and no array made per training step (the kernel changes every step).
        float[] source = forInputGradient ? DirectConv.transpose(s, e.raw, e.transposed) : e.raw;
        return WinogradVector.transformKernel(s.c() * s.f(), source, e.transformed);
    }

    private Entry find(long address, int c, int f, boolean forInputGradient) {
        for (Entry e : entries) {
            if (e != null && e.address == address && e.c == c && e.f == f && e.forInputGradient == forInputGradient) return e;
        }
        return null;
    }

    /** The next entry in turn, taken over for the kernel at {@code address} (arrays sized for it). */
    private Entry replaceNext(Conv2dShape s, long address, boolean forInputGradient) {
        Entry e = entries[next];
        if (e == null) entries[next] = e = new Entry();
        next = (next + 1) % ENTRIES;
        e.address = address;
        e.c = s.c();
        e.f = s.f();
        e.forInputGradient = forInputGradient;
        int raw = 9 * s.c() * s.f();
        if (e.raw.length != raw) {
            e.raw = new float[raw];
            e.transformed = new float[WinogradConv.transformedFloats(s)];
        }
        if (forInputGradient && e.transposed.length != raw) e.transposed = new float[raw];
        return e;
    }
}
