package dev.panamax.onnx.runtime;

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
    private final Tensor[] statics;
    private final List<Tensor> folded = new ArrayList<>();

    private Plan(Program program) {
        this.program = program;
        this.statics = program.constants.clone();
    }

    /**
     * Runs {@code program} once on {@code inputs} (inside the caller's arena scope), folding what it can;
     * {@code results} receives the run's outputs (tensors of the current scope).
     */
    static Plan trace(Program program, Tensor[] inputs, Tensor[] results) {
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
    Tensor[] run(Tensor[] inputs) {
        return execute(inputs, false);
    }

    private Tensor[] execute(Tensor[] inputs, boolean tracing) {
        Tensor[] env = new Tensor[program.values];
        for (int i = 0; i < inputs.length; i++) env[program.inputIds[i]] = inputs[i];
        Step[] steps = program.steps;
        for (int k = 0; k < steps.length; k++) {
            boolean fold = program.foldable[k];
            if (fold && !tracing) continue;
            Step s = steps[k];
            Tensor[] out = invoke(s, args(s, env));
            for (int j = 0; j < s.out().length; j++) {
                int id = s.out()[j];
                if (id < 0) continue;
                if (fold) {
                    Tensor kept = MemoryScope.move(out[j], null);  // outlives this run's scope: the plan owns it
                    folded.add(kept);
                    statics[id] = kept;
                } else {
                    env[id] = out[j];
                }
            }
            for (int id : program.release[k]) {
                env[id].close();
                env[id] = null;
            }
        }
        Tensor[] results = new Tensor[program.outputIds.length];
        for (int i = 0; i < results.length; i++) {
            int id = program.outputIds[i];
            results[i] = statics[id] != null ? statics[id] : env[id];
        }
        return results;
    }

    private Tensor[] args(Step s, Tensor[] env) {
        Tensor[] a = new Tensor[s.in().length];
        for (int j = 0; j < a.length; j++) {
            int id = s.in()[j];
            a[j] = id < 0 ? null : statics[id] != null ? statics[id] : env[id];
        }
        return a;
    }

    /** Runs one kernel; its errors come back naming the node. */
    private static Tensor[] invoke(Step s, Tensor[] args) {
        Tensor[] out;
        long t0 = Profile.enabled ? System.nanoTime() : 0;
        try {
            out = s.kernel().run(args);
            if (Profile.enabled) Profile.add(s.node().opType(), System.nanoTime() - t0);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException(s.node().describe() + ": " + e.getMessage(), e);
        }
        for (int j = out.length; j < s.out().length; j++) {
            if (s.out()[j] >= 0) {
                throw new IllegalArgumentException(s.node().describe() + ": output " + j + " is not supported (only " + out.length + ")");
            }
        }
        for (int j = s.out().length; j < out.length; j++) out[j].close();
        return out;
    }

    @Override
    public void close() {
        folded.forEach(Tensor::close);
        folded.clear();
    }
}
