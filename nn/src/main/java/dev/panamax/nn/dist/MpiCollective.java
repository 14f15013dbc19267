package dev.panamax.nn.dist;

import dev.panamax.ffm.mpi.Mpi;
import dev.panamax.tensors.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Collective} on Open MPI's {@code MPI_COMM_WORLD}, through the FFM bindings.
 *
 * <p>One daemon thread owns MPI: it initialises it ({@code MPI_THREAD_FUNNELED}: only that thread calls MPI) and
 * runs every operation in the order they were started, as PyTorch's MPI backend does. So an
 * {@link #allreduceSumAsync} really runs while the caller goes on computing (Open MPI's non-blocking collectives
 * only move when the caller polls them), and the training thread never blocks in MPI until it asks for a result.
 *
 * <p>A process that dies ends the job: Open MPI's {@code mpirun} notices the lost process and stops the others
 * within seconds, naming the rank; MPI errors are fatal by default ({@code MPI_ERRORS_ARE_FATAL}).
 */
public final class MpiCollective implements Collective {
    /** MPI counts are C ints: longer buffers go in pieces of this many values. */
    private static final int MAX_COUNT = 1 << 30;

    private final ExecutorService thread;
    private final int rank, size;
    private final MemorySegment comm, f32, f64, sum;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong busy = new java.util.concurrent.atomic.AtomicLong();

    private MpiCollective(ExecutorService thread, int rank, int size) {
        this.thread = thread;
        this.rank = rank;
        this.size = size;
        this.comm = Mpi.MPI_COMM_WORLD();
        this.f32 = Mpi.MPI_FLOAT();
        this.f64 = Mpi.MPI_DOUBLE();
        this.sum = Mpi.MPI_SUM();
    }

    /** Initialises MPI on its own thread and joins {@code MPI_COMM_WORLD}; finalises at exit. */
    static MpiCollective start() {
        ExecutorService t = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("panamax-mpi").unstarted(r));
        int[] rankSize = get(t.submit(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment provided = a.allocate(ValueLayout.JAVA_INT), out = a.allocate(ValueLayout.JAVA_INT, 2);
                check("MPI_Init_thread", Mpi.MPI_Init_thread(MemorySegment.NULL, MemorySegment.NULL, Mpi.MPI_THREAD_FUNNELED, provided));
                if (provided.get(ValueLayout.JAVA_INT, 0) < Mpi.MPI_THREAD_FUNNELED) {
                    throw new IllegalStateException("MPI gives thread level " + provided.get(ValueLayout.JAVA_INT, 0)
                            + "; Panamax needs MPI_THREAD_FUNNELED (1) or more");
                }
                check("MPI_Comm_rank", Mpi.MPI_Comm_rank(Mpi.MPI_COMM_WORLD(), out));
                check("MPI_Comm_size", Mpi.MPI_Comm_size(Mpi.MPI_COMM_WORLD(), out.asSlice(4)));
                return new int[] {out.get(ValueLayout.JAVA_INT, 0), out.get(ValueLayout.JAVA_INT, 4)};
            }
        }));
        MpiCollective c = new MpiCollective(t, rankSize[0], rankSize[1]);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(c::finalizeAtExit));
        return c;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Pending allreduceSumAsync(MemorySegment data, DType dtype, long count) {
        MemorySegment type = switch (dtype) {
            case F32 -> f32;
            case F64 -> f64;
            default -> throw new IllegalArgumentException("allreduceSum: F32 or F64 values, not " + dtype);
        };
        // The MPI thread sees the memory by address: the caller keeps it alive until await() returns (the contract).
        MemorySegment at = MemorySegment.ofAddress(data.address()).reinterpret(count * dtype.byteSize());
        Future<?> f = submit(() -> {
            for (long done = 0; done < count; done += MAX_COUNT) {
                int n = (int) Math.min(MAX_COUNT, count - done);
                check("MPI_Allreduce", Mpi.MPI_Allreduce(Mpi.MPI_IN_PLACE, at.asSlice(done * dtype.byteSize()), n, type, sum, comm));
            }
            return null;
        });
        return () -> get(f);
    }

    @Override
    public void broadcast(MemorySegment data, long bytes, int root) {
        if (root < 0 || root >= size) throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of " + size);
        MemorySegment at = MemorySegment.ofAddress(data.address()).reinterpret(bytes);
        MemorySegment byteType = Mpi.MPI_BYTE();
        get(submit(() -> {
            for (long done = 0; done < bytes; done += MAX_COUNT) {
                int n = (int) Math.min(MAX_COUNT, bytes - done);
                check("MPI_Bcast", Mpi.MPI_Bcast(at.asSlice(done), n, byteType, root, comm));
            }
            return null;
        }));
    }

    @Override
    public void barrier() {
        get(submit(() -> {
            check("MPI_Barrier", Mpi.MPI_Barrier(comm));
            return null;
        }));
    }

    /**
     * Called from the failing thread, not the MPI thread: that one may be blocked in a collective that waits for
     * this very process, and MPI_Abort is what gets it (and every other rank) out.
     */
    @Override
    public void abort(int exitCode) {
        System.out.flush();
        System.err.flush();
        Mpi.MPI_Abort(comm, exitCode);
        Runtime.getRuntime().halt(exitCode);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        get(thread.submit(() -> check("MPI_Finalize", Mpi.MPI_Finalize())));
        thread.shutdown();
    }

    /** MPI wants MPI_Finalize before a normal exit; a job being torn down must not wait on it for long. */
    private void finalizeAtExit() {
        if (closed) return;
        closed = true;
        try {
            thread.submit(() -> Mpi.MPI_Finalize()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // the job is ending anyway (another rank died, or an operation is stuck): nothing more to do
        }
    }

    private <T> Future<T> submit(Callable<T> op) {
        if (closed) throw new IllegalStateException("MPI was already finalised (Collective.close)");
        return thread.submit(() -> {
            long t0 = System.nanoTime();
            try {
                return op.call();
            } finally {
                busy.addAndGet(System.nanoTime() - t0);
            }
        });
    }

    @Override
    public long busyNanos() {
        return busy.get();
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for MPI", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static int check(String call, int code) {
        if (code != Mpi.MPI_SUCCESS) throw new IllegalStateException(call + " failed with MPI error " + code);
        return code;
    }
}
