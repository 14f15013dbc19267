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

    /** Short calls skip the thread-state transition (docs/PLATFORM.md, "Call cost": ~11 ns instead of ~15 ns for an 8-float dot). */
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

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

    // ---------------------------------------------------------------- cblas_* (RowMajor = 101, NoTrans = 111, Trans = 112)

    public static final int CblasRowMajor = 101;
    public static final int CblasColMajor = 102;
    public static final int CblasNoTrans = 111;
    public static final int CblasTrans = 112;

    public static final FunctionDescriptor CBLAS_SGEMM$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SGEMM = bind("cblas_sgemm", CBLAS_SGEMM$DESC);

    /** {@code cblas_sgemm}. */
    public static void cblas_sgemm(int Order, int TransA, int TransB, int M, int N, int K, float alpha, MemorySegment A, int lda, MemorySegment B, int ldb, float beta, MemorySegment C, int ldc) {
        try {
            need(CBLAS_SGEMM, "cblas_sgemm").invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DGEMM$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DGEMM = bind("cblas_dgemm", CBLAS_DGEMM$DESC);

    /** {@code cblas_dgemm}. */
    public static void cblas_dgemm(int Order, int TransA, int TransB, int M, int N, int K, double alpha, MemorySegment A, int lda, MemorySegment B, int ldb, double beta, MemorySegment C, int ldc) {
        try {
            need(CBLAS_DGEMM, "cblas_dgemm").invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SGEMV$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SGEMV = bind("cblas_sgemv", CBLAS_SGEMV$DESC);

    /** {@code cblas_sgemv}. */
    public static void cblas_sgemv(int order, int trans, int m, int n, float alpha, MemorySegment a, int lda, MemorySegment x, int incx, float beta, MemorySegment y, int incy) {
        try {
            need(CBLAS_SGEMV, "cblas_sgemv").invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DGEMV$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DGEMV = bind("cblas_dgemv", CBLAS_DGEMV$DESC);

    /** {@code cblas_dgemv}. */
    public static void cblas_dgemv(int order, int trans, int m, int n, double alpha, MemorySegment a, int lda, MemorySegment x, int incx, double beta, MemorySegment y, int incy) {
        try {
            need(CBLAS_DGEMV, "cblas_dgemv").invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SAXPY$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SAXPY = bind("cblas_saxpy", CBLAS_SAXPY$DESC, CRITICAL);

    /** {@code cblas_saxpy}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_saxpy(int n, float alpha, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            need(CBLAS_SAXPY, "cblas_saxpy").invokeExact(n, alpha, x, incx, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DAXPY$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DAXPY = bind("cblas_daxpy", CBLAS_DAXPY$DESC, CRITICAL);

    /** {@code cblas_daxpy}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_daxpy(int n, double alpha, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            need(CBLAS_DAXPY, "cblas_daxpy").invokeExact(n, alpha, x, incx, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SDOT$DESC = FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SDOT = bind("cblas_sdot", CBLAS_SDOT$DESC, CRITICAL);

    /** {@code cblas_sdot}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static float cblas_sdot(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            return (float) need(CBLAS_SDOT, "cblas_sdot").invokeExact(n, x, incx, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DDOT$DESC = FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DDOT = bind("cblas_ddot", CBLAS_DDOT$DESC, CRITICAL);

    /** {@code cblas_ddot}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static double cblas_ddot(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            return (double) need(CBLAS_DDOT, "cblas_ddot").invokeExact(n, x, incx, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SSCAL$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SSCAL = bind("cblas_sscal", CBLAS_SSCAL$DESC, CRITICAL);

    /** {@code cblas_sscal}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_sscal(int N, float alpha, MemorySegment X, int incX) {
        try {
            need(CBLAS_SSCAL, "cblas_sscal").invokeExact(N, alpha, X, incX);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DSCAL$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DSCAL = bind("cblas_dscal", CBLAS_DSCAL$DESC, CRITICAL);

    /** {@code cblas_dscal}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_dscal(int N, double alpha, MemorySegment X, int incX) {
        try {
            need(CBLAS_DSCAL, "cblas_dscal").invokeExact(N, alpha, X, incX);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SNRM2$DESC = FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SNRM2 = bind("cblas_snrm2", CBLAS_SNRM2$DESC, CRITICAL);

    /** {@code cblas_snrm2}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static float cblas_snrm2(int N, MemorySegment X, int incX) {
        try {
            return (float) need(CBLAS_SNRM2, "cblas_snrm2").invokeExact(N, X, incX);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DNRM2$DESC = FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DNRM2 = bind("cblas_dnrm2", CBLAS_DNRM2$DESC, CRITICAL);

    /** {@code cblas_dnrm2}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static double cblas_dnrm2(int N, MemorySegment X, int incX) {
        try {
            return (double) need(CBLAS_DNRM2, "cblas_dnrm2").invokeExact(N, X, incX);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_SCOPY$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_SCOPY = bind("cblas_scopy", CBLAS_SCOPY$DESC, CRITICAL);

    /** {@code cblas_scopy}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_scopy(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            need(CBLAS_SCOPY, "cblas_scopy").invokeExact(n, x, incx, y, incy);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final FunctionDescriptor CBLAS_DCOPY$DESC = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CBLAS_DCOPY = bind("cblas_dcopy", CBLAS_DCOPY$DESC, CRITICAL);

    /** {@code cblas_dcopy}. Critical call: no safepoint, heap segments allowed; keep it short. */
    public static void cblas_dcopy(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            need(CBLAS_DCOPY, "cblas_dcopy").invokeExact(n, x, incx, y, incy);
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
