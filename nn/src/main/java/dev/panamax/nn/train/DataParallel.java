package dev.panamax.nn.train;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.dist.Collective;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training's gradient averaging, as PyTorch's DDP does it: the parameters are grouped into buckets of
 * a few MB (in reverse order, the order backward completes them), each bucket's gradients are copied into one
 * buffer and summed across processes as soon as backward has finished all of them, while backward goes on with the
 * layers below; {@link #finish} waits for every bucket and writes the averages back into the gradients.
 *
 * <p>Every process must launch the same buckets in the same order: they run the same model, so backward completes
 * the parameters in the same order everywhere; buckets whose parameters got no gradient are launched by
 * {@link #finish}, in bucket order.
 */
final class DataParallel implements AutoCloseable {
    /**
     * Bucket size (PyTorch's first bucket's): big enough that a reduction's latency is small next to its transfer,
     * small enough that the GPT's 3.25 MB of gradients go in 4 pieces, the first ones overlapping the rest of backward.
     */
    static final long BUCKET_BYTES = Long.getLong("panamax.ddp.bucketBytes", 1L << 20);

    private final Collective group;
    private final Arena arena = Arena.ofShared();
    private final List<Bucket> buckets = new ArrayList<>();
    private final List<Bucket> launched = new ArrayList<>();
    private final List<Runnable> unhook = new ArrayList<>();
    private final MemorySegment scalars;
    private long waitNanos, steps, stepNanos, lastStepEnd;
    private final long busyAtStart;

    /** One buffer's worth of same-dtype parameters and the reduction in flight for it. */
    private static final class Bucket {
        final DType dtype;
        final List<Var> params = new ArrayList<>();
        final List<Long> offsets = new ArrayList<>();  // element offset of each parameter in the buffer
        long count;
        MemorySegment buffer;  // (count) values of dtype
        int ready;
        Collective.Pending pending;

        Bucket(DType dtype) {
            this.dtype = dtype;
        }
    }

    DataParallel(Collective group, List<Var> params) {
        this.group = group;
        this.busyAtStart = group.busyNanos();
        Map<DType, Bucket> open = new IdentityHashMap<>();
        Map<Var, Bucket> owner = new IdentityHashMap<>();
        for (int i = params.size() - 1; i >= 0; i--) {
            Var p = params.get(i);
            DType dt = p.value().dtype();
            Bucket b = open.get(dt);
            if (b == null || (b.count + p.value().numel()) * dt.byteSize() > BUCKET_BYTES && b.count > 0) {
                b = new Bucket(dt);
                open.put(dt, b);
                buckets.add(b);
            }
            b.params.add(p);
            b.offsets.add(b.count);
            b.count += p.value().numel();
            owner.put(p, b);
        }
        for (Bucket b : buckets) b.buffer = arena.allocate(b.count * b.dtype.byteSize(), 64);
        scalars = arena.allocate(ValueLayout.JAVA_DOUBLE, 8);
        for (Var p : params) if (p.requiresGrad()) unhook.add(p.registerGradReadyHook(v -> ready(owner.get(v))));  // frozen: finish() sends its bucket
    }

    /** Makes every process start from rank 0's parameters. */
    void broadcastParameters() {
        for (Bucket b : buckets) {
            long w = b.dtype.byteSize();
            for (int i = 0; i < b.params.size(); i++) {
                Tensor v = b.params.get(i).value();
                if (!v.isContiguous()) throw new IllegalStateException("data parallel: a parameter of shape "
                        + java.util.Arrays.toString(v.shape()) + " is a strided view; parameters must own contiguous memory");
                MemorySegment.copy(v.segment(), v.offset() * w, b.buffer, b.offsets.get(i) * w, v.numel() * w);
            }
            group.broadcast(b.buffer, b.count * w, 0);
            for (int i = 0; i < b.params.size(); i++) {
                Tensor v = b.params.get(i).value();
                MemorySegment.copy(b.buffer, b.offsets.get(i) * w, v.segment(), v.offset() * w, v.numel() * w);
            }
        }
    }

    /** Before each backward: no bucket is ready or in flight. */
    void beforeBackward() {
        for (Bucket b : buckets) {
            b.ready = 0;
            b.pending = null;
        }
        launched.clear();
    }

    private void ready(Bucket b) {
        if (++b.ready == b.params.size()) launch(b);
    }

    private void launch(Bucket b) {
        long w = b.dtype.byteSize();
        for (int i = 0; i < b.params.size(); i++) {
            Tensor g = b.params.get(i).grad();
            long at = b.offsets.get(i) * w, bytes = b.params.get(i).value().numel() * w;
            if (g == null) b.buffer.asSlice(at, bytes).fill((byte) 0);  // unused in this step: contributes nothing
            else MemorySegment.copy(g.segment(), g.offset() * w, b.buffer, at, bytes);
        }
        b.pending = group.allreduceSumAsync(b.buffer, b.dtype, b.count);
        launched.add(b);
    }

    /** After backward: launches what no hook did, waits for every bucket and leaves each gradient averaged over the processes. */
    void finish() {
        for (Bucket b : buckets) if (b.pending == null) launch(b);
        long t0 = System.nanoTime();
        double scale = 1.0 / group.size();
        for (Bucket b : launched) {
            b.pending.await();
            long w = b.dtype.byteSize();
            for (int i = 0; i < b.params.size(); i++) {
                Tensor g = b.params.get(i).grad();
                if (g == null) continue;
                MemorySegment.copy(b.buffer, b.offsets.get(i) * w, g.segment(), g.offset() * w, b.params.get(i).value().numel() * w);
                g.mulInPlace(scale);
            }
        }
        long end = System.nanoTime();
        waitNanos += end - t0;
        if (lastStepEnd != 0) stepNanos += end - lastStepEnd;  // from the second step on: a whole step, end to end
        lastStepEnd = end;
        steps++;
    }

    /** Call between epochs: validation and listeners are not part of a step's time. */
    void pause() {
        lastStepEnd = 0;
    }

    /**
     * One line on how communication went: the time per step, the time the reductions took on the communication
     * thread, and the part of it the training thread waited for after backward (the rest overlapped backward).
     */
    String report() {
        double perStep = steps <= 1 ? 0 : stepNanos / 1e6 / (steps - 1);
        double comm = steps == 0 ? 0 : (group.busyNanos() - busyAtStart) / 1e6 / steps;
        double wait = steps == 0 ? 0 : waitNanos / 1e6 / steps;
        return String.format(java.util.Locale.ROOT, "data parallel over %d processes: %d bucket(s), %.2f MB reduced per step; "
                + "a step took %.2f ms, its reductions %.2f ms on the communication thread, of which the training thread waited %.2f ms "
                + "after backward (%.1f %% of the step)", group.size(), buckets.size(), bytesPerStep() / 1e6, perStep, comm, wait,
                perStep == 0 ? 0 : 100 * wait / perStep);
    }

    /** Sums {@code values} across the processes (epoch metrics), in place. */
    void sum(double[] values) {
        MemorySegment s = scalars.asSlice(0, values.length * 8L);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_DOUBLE, 0, values.length);
        group.allreduceSum(s, DType.F64, values.length);
        MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, 0, values, 0, values.length);
    }

    long bytesPerStep() {
        long n = 0;
        for (Bucket b : buckets) n += b.count * b.dtype.byteSize();
        return n;
    }

    @Override
    public void close() {
        unhook.forEach(Runnable::run);
        arena.close();
    }
}
