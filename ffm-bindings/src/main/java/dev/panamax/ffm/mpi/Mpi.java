package dev.panamax.ffm.mpi;

import dev.panamax.ffm.NativeLibs;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for Open MPI's {@code <mpi.h>} in jextract's shape: one static method per C function, arguments as
 * {@code MemorySegment}/{@code int}. Open MPI's handles ({@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_SUM}…)
 * are not numbers but the addresses of global objects the library exports ({@code ompi_mpi_comm_world}…), which
 * is what {@code mpi.h}'s {@code OMPI_PREDEFINED_GLOBAL} macro expands to; {@link #MPI_COMM_WORLD()} and its
 * siblings look them up the same way. Every method throws {@link IllegalStateException} with install instructions
 * when Open MPI is not on this machine; check {@link #isAvailable()} first.
 */
public final class Mpi {
    private static final NativeLibs.Found LIB = NativeLibs.mpi();
    private static final Linker LINKER = Linker.nativeLinker();

    /** {@code MPI_SUCCESS}: every MPI function returns it on success. */
    public static final int MPI_SUCCESS = 0;
    /** {@code MPI_THREAD_SINGLE}, the enum's first value. */
    public static final int MPI_THREAD_SINGLE = 0;
    /** {@code MPI_THREAD_FUNNELED}: only the thread that initialised MPI calls it. */
    public static final int MPI_THREAD_FUNNELED = 1;
    /** {@code MPI_THREAD_SERIALIZED}. */
    public static final int MPI_THREAD_SERIALIZED = 2;
    /** {@code MPI_THREAD_MULTIPLE}. */
    public static final int MPI_THREAD_MULTIPLE = 3;
    /** {@code MPI_MAX_LIBRARY_VERSION_STRING} in Open MPI 4.1's {@code mpi.h}. */
    public static final int MPI_MAX_LIBRARY_VERSION_STRING = 256;
    /** {@code MPI_IN_PLACE}: {@code ((void *) 1)} in {@code mpi.h}. */
    public static final MemorySegment MPI_IN_PLACE = MemorySegment.ofAddress(1);

    private Mpi() {}

    public static boolean isAvailable() {
        return LIB.available();
    }

    /** Where Open MPI was loaded from, or why it was not. */
    public static NativeLibs.Found library() {
        return LIB;
    }

    private static MethodHandle bind(String name, FunctionDescriptor desc) {
        if (!LIB.available()) return null;
        SymbolLookup lookup = LIB.lookup().orElseThrow();
        return lookup.find(name).map(addr -> LINKER.downcallHandle(addr, desc)).orElse(null);
    }

    private static MethodHandle need(MethodHandle h, String name) {
        if (h == null) {
            throw new IllegalStateException(LIB.available()
                    ? "MPI at " + LIB.path() + " has no symbol " + name + " (not Open MPI 4?)" : LIB.problem());
        }
        return h;
    }

    /** The address of the predefined object {@code symbol} (a handle such as {@code MPI_COMM_WORLD}). */
    private static MemorySegment handle(String symbol) {
        if (!LIB.available()) throw new IllegalStateException(LIB.problem());
        return LIB.lookup().orElseThrow().find(symbol).orElseThrow(() -> new IllegalStateException(
                "MPI at " + LIB.path() + " does not export " + symbol + ": Panamax needs Open MPI (apt-get install openmpi-bin libopenmpi-dev)"));
    }

    // ---------------------------------------------------------------- predefined handles (OMPI_PREDEFINED_GLOBAL)

    /** {@code MPI_COMM_WORLD} = {@code &ompi_mpi_comm_world}. */
    public static MemorySegment MPI_COMM_WORLD() {
        return handle("ompi_mpi_comm_world");
    }

    /** {@code MPI_FLOAT} = {@code &ompi_mpi_float}. */
    public static MemorySegment MPI_FLOAT() {
        return handle("ompi_mpi_float");
    }

    /** {@code MPI_DOUBLE} = {@code &ompi_mpi_double}. */
    public static MemorySegment MPI_DOUBLE() {
        return handle("ompi_mpi_double");
    }

    /** {@code MPI_INT} = {@code &ompi_mpi_int}. */
    public static MemorySegment MPI_INT() {
        return handle("ompi_mpi_int");
    }

    /** {@code MPI_BYTE} = {@code &ompi_mpi_byte}. */
    public static MemorySegment MPI_BYTE() {
        return handle("ompi_mpi_byte");
    }

    /** {@code MPI_SUM} = {@code &ompi_mpi_op_sum}. */
    public static MemorySegment MPI_SUM() {
        return handle("ompi_mpi_op_sum");
    }

    /** {@code MPI_MAX} = {@code &ompi_mpi_op_max}. */
    public static MemorySegment MPI_MAX() {
        return handle("ompi_mpi_op_max");
    }

    // ---------------------------------------------------------------- functions

    /** {@code int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)}. */
    public static final FunctionDescriptor MPI_INIT_THREAD$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_INIT_THREAD = bind("MPI_Init_thread", MPI_INIT_THREAD$DESC);

    /** {@code MPI_Init_thread}; pass {@code MemorySegment.NULL} for {@code argc} and {@code argv}. */
    public static int MPI_Init_thread(MemorySegment argc, MemorySegment argv, int required, MemorySegment provided) {
        try {
            return (int) need(MPI_INIT_THREAD, "MPI_Init_thread").invokeExact(argc, argv, required, provided);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Initialized(int *flag)}. */
    public static final FunctionDescriptor MPI_INITIALIZED$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_INITIALIZED = bind("MPI_Initialized", MPI_INITIALIZED$DESC);

    /** {@code MPI_Initialized}. */
    public static int MPI_Initialized(MemorySegment flag) {
        try {
            return (int) need(MPI_INITIALIZED, "MPI_Initialized").invokeExact(flag);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Finalize(void)}. */
    public static final FunctionDescriptor MPI_FINALIZE$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT);
    private static final MethodHandle MPI_FINALIZE = bind("MPI_Finalize", MPI_FINALIZE$DESC);

    /** {@code MPI_Finalize}. */
    public static int MPI_Finalize() {
        try {
            return (int) need(MPI_FINALIZE, "MPI_Finalize").invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Finalized(int *flag)}. */
    public static final FunctionDescriptor MPI_FINALIZED$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_FINALIZED = bind("MPI_Finalized", MPI_FINALIZED$DESC);

    /** {@code MPI_Finalized}. */
    public static int MPI_Finalized(MemorySegment flag) {
        try {
            return (int) need(MPI_FINALIZED, "MPI_Finalized").invokeExact(flag);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Query_thread(int *provided)}. */
    public static final FunctionDescriptor MPI_QUERY_THREAD$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_QUERY_THREAD = bind("MPI_Query_thread", MPI_QUERY_THREAD$DESC);

    /** {@code MPI_Query_thread}. */
    public static int MPI_Query_thread(MemorySegment provided) {
        try {
            return (int) need(MPI_QUERY_THREAD, "MPI_Query_thread").invokeExact(provided);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Comm_rank(MPI_Comm comm, int *rank)}. */
    public static final FunctionDescriptor MPI_COMM_RANK$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_COMM_RANK = bind("MPI_Comm_rank", MPI_COMM_RANK$DESC);

    /** {@code MPI_Comm_rank}. */
    public static int MPI_Comm_rank(MemorySegment comm, MemorySegment rank) {
        try {
            return (int) need(MPI_COMM_RANK, "MPI_Comm_rank").invokeExact(comm, rank);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Comm_size(MPI_Comm comm, int *size)}. */
    public static final FunctionDescriptor MPI_COMM_SIZE$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_COMM_SIZE = bind("MPI_Comm_size", MPI_COMM_SIZE$DESC);

    /** {@code MPI_Comm_size}. */
    public static int MPI_Comm_size(MemorySegment comm, MemorySegment size) {
        try {
            return (int) need(MPI_COMM_SIZE, "MPI_Comm_size").invokeExact(comm, size);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Barrier(MPI_Comm comm)}. */
    public static final FunctionDescriptor MPI_BARRIER$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_BARRIER = bind("MPI_Barrier", MPI_BARRIER$DESC);

    /** {@code MPI_Barrier}. */
    public static int MPI_Barrier(MemorySegment comm) {
        try {
            return (int) need(MPI_BARRIER, "MPI_Barrier").invokeExact(comm);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)}. */
    public static final FunctionDescriptor MPI_BCAST$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_BCAST = bind("MPI_Bcast", MPI_BCAST$DESC);

    /** {@code MPI_Bcast}. */
    public static int MPI_Bcast(MemorySegment buffer, int count, MemorySegment datatype, int root, MemorySegment comm) {
        try {
            return (int) need(MPI_BCAST, "MPI_Bcast").invokeExact(buffer, count, datatype, root, comm);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)}. */
    public static final FunctionDescriptor MPI_ALLREDUCE$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_ALLREDUCE = bind("MPI_Allreduce", MPI_ALLREDUCE$DESC);

    /** {@code MPI_Allreduce}; pass {@link #MPI_IN_PLACE} as {@code sendbuf} to reduce {@code recvbuf} in place. */
    public static int MPI_Allreduce(MemorySegment sendbuf, MemorySegment recvbuf, int count, MemorySegment datatype, MemorySegment op, MemorySegment comm) {
        try {
            return (int) need(MPI_ALLREDUCE, "MPI_Allreduce").invokeExact(sendbuf, recvbuf, count, datatype, op, comm);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)}. */
    public static final FunctionDescriptor MPI_ALLGATHER$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_ALLGATHER = bind("MPI_Allgather", MPI_ALLGATHER$DESC);

    /** {@code MPI_Allgather}. */
    public static int MPI_Allgather(MemorySegment sendbuf, int sendcount, MemorySegment sendtype, MemorySegment recvbuf, int recvcount, MemorySegment recvtype, MemorySegment comm) {
        try {
            return (int) need(MPI_ALLGATHER, "MPI_Allgather").invokeExact(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Abort(MPI_Comm comm, int errorcode)}. */
    public static final FunctionDescriptor MPI_ABORT$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle MPI_ABORT = bind("MPI_Abort", MPI_ABORT$DESC);

    /** {@code MPI_Abort}: ends every process of the job. */
    public static int MPI_Abort(MemorySegment comm, int errorcode) {
        try {
            return (int) need(MPI_ABORT, "MPI_Abort").invokeExact(comm, errorcode);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code int MPI_Get_library_version(char *version, int *resultlen)}. */
    public static final FunctionDescriptor MPI_GET_LIBRARY_VERSION$DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle MPI_GET_LIBRARY_VERSION = bind("MPI_Get_library_version", MPI_GET_LIBRARY_VERSION$DESC);

    /** {@code MPI_Get_library_version}: {@code version} holds {@link #MPI_MAX_LIBRARY_VERSION_STRING} bytes; callable before init. */
    public static int MPI_Get_library_version(MemorySegment version, MemorySegment resultlen) {
        try {
            return (int) need(MPI_GET_LIBRARY_VERSION, "MPI_Get_library_version").invokeExact(version, resultlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
