package dev.panamax.nn.dist;

import dev.panamax.tensors.DType;
import java.lang.foreign.MemorySegment;

/**
 * The operations data-parallel training needs from a group of processes that each hold a copy of the model: sum a
 * buffer across them in place, copy one process's buffer to all, wait for all. {@link SingleProcess} is the group of
 * one (every call returns at once), {@link MpiCollective} runs on MPI; {@link #world()} picks the one this process was
 * started as, so code above it never knows which runs.
 *
 * <p>Buffers are raw memory of F32 or F64 values; the caller keeps them alive until the call (or its
 * {@link Pending}) completes. Every process must make the same calls in the same order with the same counts, as in MPI.
 */
public interface Collective extends AutoCloseable {
    /** {@return this process's number, 0 .. size() - 1; rank 0 prints and writes files} */
    int rank();

    /** {@return how many processes take part} */
    int size();

    /**
     * Replaces {@code count} values of {@code dtype} at {@code data} by their sum over all processes.
     *
     * @param data  the values, raw memory; overwritten with the sums
     * @param dtype F32 or F64
     * @param count how many values
     */
    default void allreduceSum(MemorySegment data, DType dtype, long count) {
        allreduceSumAsync(data, dtype, count).await();
    }

    /**
     * Starts {@link #allreduceSum} and returns at once, so the caller computes while the values travel; the result
     * is in {@code data} once {@link Pending#await} returns. Operations complete in the order they were started.
     *
     * @param data  the values, raw memory; overwritten with the sums; keep it alive until the operation completes
     * @param dtype F32 or F64
     * @param count how many values
     * @return the operation, to {@link Pending#await}
     */
    Pending allreduceSumAsync(MemorySegment data, DType dtype, long count);

    /**
     * Copies {@code bytes} bytes at {@code data} on process {@code root} into {@code data} on every other process.
     *
     * @param data  the buffer: the source on {@code root}, the destination elsewhere
     * @param bytes how many bytes
     * @param root  the rank whose bytes everyone gets
     */
    void broadcast(MemorySegment data, long bytes, int root);

    /** Returns once every process has called it. */
    void barrier();

    /**
     * Ends every process of the group at once with {@code exitCode} (after this process has said why on standard
     * error): one failing process must not leave the others waiting forever in their next collective.
     *
     * @param exitCode the status every process exits with
     */
    void abort(int exitCode);

    /**
     * {@return the nanoseconds spent so far inside communication calls (all operations, on whatever thread runs them),
     * for reports}
     */
    default long busyNanos() {
        return 0;
    }

    /** Leaves the group (MPI_Finalize); later calls fail. */
    @Override
    void close();

    /** A started operation. */
    interface Pending {
        /** Waits for the operation to finish; rethrows its failure. */
        void await();
    }

    /**
     * {@return the group this process was started in: MPI under {@code mpirun} with several processes, else a single
     * process}
     */
    static Collective world() {
        return World.get();
    }
}
