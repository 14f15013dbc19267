package dev.panamax.ffm.openblas;

import dev.panamax.ffm.NativeLibs;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for OpenBLAS's {@code <cblas.h>} in jextract's shape: one static method per C function, arguments
 * as {@code MemorySegment}/{@code int}/{@code long}. Every method throws {@link IllegalStateException} with
 * install instructions when OpenBLAS is not on this machine; check {@link #isAvailable()} first.
 */
public final class Cblas {
    /** {@code void openblas_set_num_threads(int num_threads)}. */
    public static final FunctionDescriptor OPENBLAS_SET_NUM_THREADS$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT);
    /** {@code int openblas_get_num_threads(void)}. */
    public static final FunctionDescriptor OPENBLAS_GET_NUM_THREADS$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT);
    /** {@code char* openblas_get_config(void)}. */
    public static final FunctionDescriptor OPENBLAS_GET_CONFIG$DESC = FunctionDescriptor.of(ValueLayout.ADDRESS);
    /** {@code char* openblas_get_corename(void)}. */
    public static final FunctionDescriptor OPENBLAS_GET_CORENAME$DESC = FunctionDescriptor.of(ValueLayout.ADDRESS);

    private static final NativeLibs.Found LIB = NativeLibs.openblas();
    private static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle SET_NUM_THREADS = bind("openblas_set_num_threads", OPENBLAS_SET_NUM_THREADS$DESC);
    private static final MethodHandle GET_NUM_THREADS = bind("openblas_get_num_threads", OPENBLAS_GET_NUM_THREADS$DESC);
    private static final MethodHandle GET_CONFIG = bind("openblas_get_config", OPENBLAS_GET_CONFIG$DESC);
    private static final MethodHandle GET_CORENAME = bind("openblas_get_corename", OPENBLAS_GET_CORENAME$DESC);

    private Cblas() {}

    private static MethodHandle bind(String name, FunctionDescriptor desc, Linker.Option... options) {
        if (!LIB.available()) return null;
        SymbolLookup lookup = LIB.lookup().orElseThrow();
        return lookup.find(name).map(addr -> LINKER.downcallHandle(addr, desc, options)).orElse(null);
    }

    public static boolean isAvailable() {
        return LIB.available();
    }

    /** Where OpenBLAS was loaded from, or why it was not. */
    public static NativeLibs.Found library() {
        return LIB;
    }

    private static MethodHandle need(MethodHandle h, String name) {
        if (h == null) {
            throw new IllegalStateException(LIB.available()
                    ? "OpenBLAS at " + LIB.path() + " has no symbol " + name + " (too old a version?)"
                    : LIB.problem());
        }
        return h;
    }

    public static void openblas_set_num_threads(int numThreads) {
        try {
            need(SET_NUM_THREADS, "openblas_set_num_threads").invokeExact(numThreads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int openblas_get_num_threads() {
        try {
            return (int) need(GET_NUM_THREADS, "openblas_get_num_threads").invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Returns a C string owned by OpenBLAS; read it with {@code reinterpret(256).getString(0)}. */
    public static MemorySegment openblas_get_config() {
        try {
            return (MemorySegment) need(GET_CONFIG, "openblas_get_config").invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment openblas_get_corename() {
        try {
            return (MemorySegment) need(GET_CORENAME, "openblas_get_corename").invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Convenience: the NUL-terminated string a {@code char*} function returned. */
    public static String string(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(4096).getString(0);
    }
}
