package dev.panamax.ffm.libc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Bindings for {@code <stdlib.h>} in jextract's shape: one static method per C function Panamax uses. */
public final class Stdlib {
    private static final Linker LINKER = Linker.nativeLinker();

    /** {@code void *aligned_alloc(size_t alignment, size_t size)}. */
    public static final FunctionDescriptor ALIGNED_ALLOC$DESC =
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    /** {@code void free(void *ptr)}. */
    public static final FunctionDescriptor FREE$DESC = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS);

    private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("aligned_alloc").orElseThrow(), ALIGNED_ALLOC$DESC);
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FREE$DESC);

    private Stdlib() {}

    /** Returns the address, or {@link MemorySegment#NULL} when out of memory; {@code size} must be a multiple of {@code alignment}. */
    public static MemorySegment aligned_alloc(long alignment, long size) {
        try {
            return (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, size);
        } catch (Throwable t) {
            throw new AssertionError("aligned_alloc", t);
        }
    }

    public static void free(MemorySegment ptr) {
        try {
            FREE.invokeExact(ptr);
        } catch (Throwable t) {
            throw new AssertionError("free", t);
        }
    }
}
