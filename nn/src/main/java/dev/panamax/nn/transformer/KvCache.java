package dev.panamax.nn.transformer;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values a GPT has computed for one sequence, per block: {@code (1, H, context, D)} buffers filled
 * position by position, so generating a token costs one position's work instead of a pass over the whole prefix.
 * A step appends {@code n} positions to every block ({@link #beginStep}, the blocks' appends, {@link #endStep}).
 * The buffers belong to no scope; {@link #close()} frees them.
 */
public final class KvCache implements AutoCloseable {
    private final List<Slot> slots = new ArrayList<>();
    private final long capacity;
    private long length, pending;

    KvCache(int blocks, int heads, long capacity, long headDim) {
        this.capacity = capacity;
        for (int i = 0; i < blocks; i++) slots.add(new Slot(buffer(heads, headDim), buffer(heads, headDim)));
    }

    private Tensor buffer(int heads, long headDim) {
        return MemoryScope.move(Tensor.zeros(DType.F32, 1, heads, capacity, headDim), null);
    }

    /** {@return the number of positions held} */
    public long length() {
        return length;
    }

    /** {@return the number of positions it can hold: the model's context} */
    public long capacity() {
        return capacity;
    }

    /** Forgets every position; the buffers stay for reuse. */
    public void clear() {
        length = 0;
        pending = 0;
    }

    Slot slot(int block) {
        return slots.get(block);
    }

    /** Starts a step that appends {@code n} positions to every block. */
    void beginStep(long n) {
        if (length + n > capacity) throw new IllegalStateException("kv cache: " + (length + n) + " positions exceed the context " + capacity);
        pending = n;
    }

    /** Ends the step: its positions count as held. */
    void endStep() {
        length += pending;
        pending = 0;
    }

    @Override
    public void close() {
        for (Slot s : slots) {
            s.keys.close();
            s.values.close();
        }
        slots.clear();
    }

    /** One block's buffers. */
    final class Slot {
        private final Tensor keys, values;  // (1, H, capacity, D)

        private Slot(Tensor keys, Tensor values) {
            this.keys = keys;
            this.values = values;
        }

        /** Writes this step's {@code k}, {@code v} {@code (1, H, n, D)} after the held positions. */
        void append(Tensor k, Tensor v) {
            try (Tensor kd = keys.slice(2, length, length + pending); Tensor vd = values.slice(2, length, length + pending)) {
                kd.copyFrom(k);
                vd.copyFrom(v);
            }
        }

        /** The held keys and this step's: a view {@code (1, H, length + n, D)} in the caller's scope. */
        Tensor keys() {
            return keys.slice(2, 0, length + pending);
        }

        Tensor values() {
            return values.slice(2, 0, length + pending);
        }
    }
}
