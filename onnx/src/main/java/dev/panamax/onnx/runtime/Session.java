package dev.panamax.onnx.runtime;

import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.ops.ValueKernel;
import dev.panamax.onnx.ops.Values;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Runs a {@link Program} from any number of threads. Plans are made on the first call with each set of input
 * shapes and kept; each concurrent call borrows a step arena from a pool, so after warm-up a call makes no
 * allocator calls beyond its outputs.
 */
public final class Session implements AutoCloseable {
    private final Program program;
    private final Map<ShapeKey, Plan> plans = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<StepArena> arenas = new ConcurrentLinkedDeque<>();
    private final List<StepArena> allArenas = new ArrayList<>();
    private volatile boolean closed;

    public Session(Program program) {
        this.program = program;
    }

    /** The input shapes of one call, the key of its plan (nested for sequences: {@link Values#shapeKey}). */
    private record ShapeKey(Object[] shapes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShapeKey k && Arrays.deepEquals(shapes, k.shapes);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(shapes);
        }
    }

    /**
     * Runs on {@code inputs} (in the program's input order, already checked); returns fresh output tensors that
     * belong to the caller's current scope (or to the caller, outside any scope).
     */
    public Tensor[] run(Tensor[] inputs) {
        Object[] out = runValues(inputs);
        Tensor[] t = new Tensor[out.length];
        for (int i = 0; i < t.length; i++) t[i] = (Tensor) out[i];
        return t;
    }

    /**
     * {@link #run(Tensor[])} for models whose inputs or outputs may be sequences, optionals or string tensors
     * ({@link ValueKernel}'s values).
     */
    public Object[] runValues(Object[] inputs) {
        if (closed) throw new IllegalStateException("the ONNX model was closed");
        Object[] shapes = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) shapes[i] = Values.shapeKey(inputs[i]);
        ShapeKey key = new ShapeKey(shapes);
        MemoryScope caller = MemoryScope.current();
        StepArena arena = borrow();
        try (MemoryScope scope = MemoryScope.open("onnx run", arena)) {
            Plan plan = plans.get(key);
            Object[] results;
            if (plan == null) {
                results = new Object[program.outputIds.length];
                synchronized (this) {
                    plan = plans.get(key);
                    if (plan == null) {
                        plans.put(key, Plan.trace(program, inputs, results));
                    } else {
                        results = plan.run(inputs);
                    }
                }
            } else {
                results = plan.run(inputs);
            }
            Object[] out = new Object[results.length];
            try (MemoryScope unpooled = MemoryScope.openUnpooled("onnx outputs")) {  // outputs leave: keep the arena whole
                for (int i = 0; i < out.length; i++) out[i] = Values.move(Values.copy(results[i]), caller);
            }
            return out;
        } finally {
            arenas.push(arena);
        }
    }

    private StepArena borrow() {
        StepArena a = arenas.poll();
        if (a != null) return a;
        a = new StepArena("onnx");
        synchronized (allArenas) {
            allArenas.add(a);
        }
        return a;
    }

    /** The inputs the program reads, in order. */
    public List<ValueInfo> inputs() {
        return program.inputs;
    }

    /** The outputs the program writes, in order. */
    public List<ValueInfo> outputs() {
        return program.outputs;
    }

    /** Buffers the arenas have had to allocate so far (after warm-up, a call with known shapes adds none). */
    public long freshAllocations() {
        synchronized (allArenas) {
            return allArenas.stream().mapToLong(StepArena::freshAllocations).sum();
        }
    }

    /** Frees the plans and arenas (not the program). Calls still running must have finished. */
    @Override
    public void close() {
        closed = true;
        plans.values().forEach(Plan::close);
        plans.clear();
        synchronized (allArenas) {
            allArenas.forEach(StepArena::close);
            allArenas.clear();
        }
        arenas.clear();
    }
}
