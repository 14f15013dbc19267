package dev.panamax.onnx.runtime;

import dev.panamax.onnx.ops.ValueKernel;
import dev.panamax.onnx.ops.Values;
import dev.panamax.onnx.runtime.Program.Step;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Program}'s folded values for one set of input shapes: every value that depends only on constants and
 * on shapes (the {@code Shape → Gather → Unsqueeze → Concat} chains that exporters write around each reshape) is
 * computed by the first run with those shapes and kept, so later runs execute only the nodes that touch data.
 * Every run closes each computed value right after its last reader, so the step arena hands that memory to the
 * next node. Immutable once built; any number of threads may run it at once.
 */
public final class Plan implements AutoCloseable {
    private final Program program;
    /** By value number: constants and folded values (the latter owned here); null for values computed per run. */
    private final Object[] statics;
    private final List<Object> folded = new ArrayList<>();

    private Plan(Program program) {
        this.program = program;
        this.statics = java.util.Arrays.copyOf(program.constants, program.constants.length, Object[].class);
    }

    /**
     * Runs {@code program} once on {@code inputs} (inside the caller's arena scope), folding what it can;
     * {@code results} receives the run's outputs (tensors of the current scope).
     */
    static Plan trace(Program program, Object[] inputs, Object[] results) {
        Plan plan = new Plan(program);
        try {
            System.arraycopy(plan.execute(inputs, true), 0, results, 0, results.length);
            return plan;
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    /** Runs the plan on {@code inputs} in the current (arena) scope; returns the outputs, which that scope owns. */
    Object[] run(Object[] inputs) {
        return execute(inputs, false);
    }

    /** Values are tensors but for the sequences, optionals and strings of the few operators that take them ({@link ValueKernel}). */
    private Object[] execute(Object[] inputs, boolean tracing) {
        Object[] env = new Object[program.values];
        for (int i = 0; i < inputs.length; i++) env[program.inputIds[i]] = inputs[i];
        Step[] steps = program.steps;
        for (int k = 0; k < steps.length; k++) {
            boolean fold = program.foldable[k];
            if (fold && !tracing) {
                release(env, k);
                continue;
            }
            Step s = steps[k];
            Object[] out = invoke(s, args(s, env));
            for (int j = 0; j < s.out().length; j++) {
                int id = s.out()[j];
                if (id < 0) continue;
                if (fold) {
                    Object kept = Values.move(out[j], null);  // outlives this run's scope: the plan owns it
                    folded.add(kept);
                    statics[id] = kept;
                } else {
                    env[id] = out[j];
                }
            }
            release(env, k);
        }
        Object[] results = new Object[program.outputIds.length];
        for (int i = 0; i < results.length; i++) {
            int id = program.outputIds[i];
            results[i] = statics[id] != null ? statics[id] : env[id];
        }
        return results;
    }

    /** Closes the computed values whose last reader is step {@code k}. */
    private void release(Object[] env, int k) {
        for (int id : program.release[k]) {
            Values.close(env[id]);
            env[id] = null;
        }
    }

    /** The step's inputs: a {@code Tensor[]} (each checked to be a tensor) unless its kernel takes any value. */
    private Object[] args(Step s, Object[] env) {
        boolean values = s.kernel() instanceof ValueKernel;
        Object[] a = values ? new Object[s.in().length] : new Tensor[s.in().length];
        for (int j = 0; j < a.length; j++) {
            int id = s.in()[j];
            Object v = id < 0 ? null : statics[id] != null ? statics[id] : env[id];
            a[j] = values ? v : Values.tensor(v, s.node().describe() + ": input " + j);
        }
        return a;
    }

    /** Runs one kernel; its errors come back naming the node. */
    private static Object[] invoke(Step s, Object[] args) {
        Object[] out;
        long t0 = Profile.enabled ? System.nanoTime() : 0;
        try {
            out = s.kernel() instanceof ValueKernel v ? v.runValues(args) : s.kernel().run((Tensor[]) args);
            if (Profile.enabled) Profile.add(s.node().opType(), System.nanoTime() - t0);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException(s.node().describe() + ": " + e.getMessage(), e);
        }
        for (int j = out.length; j < s.out().length; j++) {
            if (s.out()[j] >= 0) {
                throw new IllegalArgumentException(s.node().describe() + ": output " + j + " is not supported (only " + out.length + ")");
            }
        }
        for (int j = s.out().length; j < out.length; j++) Values.close(out[j]);
        return out;
    }

    @Override
    public void close() {
        folded.forEach(Values::close);
        folded.clear();
    }
}
