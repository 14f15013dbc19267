package dev.panamax.onnx.runtime;

import dev.panamax.onnx.runtime.Program.Step;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Program} specialised to one set of input shapes, made by tracing a first run: every value that depends
 * only on constants and on shapes (the {@code Shape → Gather → Unsqueeze → Concat} chains that exporters write
 * around each reshape) is computed once and kept, so later runs execute only the nodes that touch data. Each
 * computed value is closed right after its last reader, so the step arena hands its memory to the next node.
 * Immutable once built; any number of threads may run it at once.
 */
public final class Plan implements AutoCloseable {
    private final Program program;
    /** By value number: constants and folded values (the latter owned here); null for values computed per run. */
    private final Tensor[] statics;
    private final Step[] steps;
    /** For each step, the values whose last reader it is. */
    private final int[][] release;
    private final List<Tensor> folded = new ArrayList<>();

    private Plan(Program program, Tensor[] statics, Step[] steps) {
        this.program = program;
        this.statics = statics;
        this.steps = steps;
        this.release = releaseSchedule(program, steps);
    }

    /**
     * Runs {@code program} once on {@code inputs} (inside the caller's arena scope), folding what it can;
     * {@code results} receives the run's outputs (tensors of the current scope).
     */
    static Plan trace(Program program, Tensor[] inputs, Tensor[] results) {
        Tensor[] statics = program.constants.clone();
        Tensor[] env = new Tensor[program.values];
        for (int i = 0; i < inputs.length; i++) env[program.inputIds[i]] = inputs[i];
        List<Step> dynamic = new ArrayList<>();
        List<Tensor> folded = new ArrayList<>();
        for (Step s : program.steps) {
            boolean foldable = s.shapeOnly();
            if (!foldable) {
                foldable = true;
                for (int id : s.in()) if (id >= 0 && statics[id] == null) foldable = false;
            }
            Tensor[] out = invoke(s, args(s, statics, env));
            for (int j = 0; j < s.out().length; j++) {
                int id = s.out()[j];
                if (id < 0) continue;
                if (foldable) {
                    Tensor kept = MemoryScope.move(out[j], null);  // outlives this run's scope: the plan owns it
                    folded.add(kept);
                    statics[id] = kept;
                } else {
                    env[id] = out[j];
                }
            }
            if (!foldable) dynamic.add(s);
        }
        for (int i = 0; i < results.length; i++) {
            int id = program.outputIds[i];
            results[i] = statics[id] != null ? statics[id] : env[id];
        }
        Plan plan = new Plan(program, statics, dynamic.toArray(Step[]::new));
        plan.folded.addAll(folded);
        return plan;
    }

    /** Runs the plan on {@code inputs} in the current (arena) scope; returns the outputs, which that scope owns. */
    Tensor[] run(Tensor[] inputs) {
        Tensor[] env = new Tensor[program.values];
        for (int i = 0; i < inputs.length; i++) env[program.inputIds[i]] = inputs[i];
        for (int k = 0; k < steps.length; k++) {
            Step s = steps[k];
            Tensor[] out = invoke(s, args(s, statics, env));
            for (int j = 0; j < s.out().length; j++) if (s.out()[j] >= 0) env[s.out()[j]] = out[j];
            for (int id : release[k]) {
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

    /** The number of nodes a run executes (the rest were folded). */
    public int stepCount() {
        return steps.length;
    }

    private static Tensor[] args(Step s, Tensor[] statics, Tensor[] env) {
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
        try {
            out = s.kernel().run(args);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException(s.node().describe() + ": " + e.getMessage(), e);
        }
        if (out.length < s.out().length) {
            for (int j = out.length; j < s.out().length; j++) {
                if (s.out()[j] >= 0) {
                    throw new IllegalArgumentException(s.node().describe() + ": output " + j + " is not supported (only " + out.length + ")");
                }
            }
        }
        for (int j = s.out().length; j < out.length; j++) out[j].close();
        return out;
    }

    /** Values computed per run are closed after their last reader, unless they are graph outputs or never freed by us (inputs). */
    private static int[][] releaseSchedule(Program program, Step[] steps) {
        int[] last = new int[program.values];
        Arrays.fill(last, -1);
        boolean[] produced = new boolean[program.values];
        for (int k = 0; k < steps.length; k++) {
            for (int id : steps[k].in()) if (id >= 0) last[id] = k;
            for (int id : steps[k].out()) {
                if (id >= 0) {
                    produced[id] = true;
                    if (last[id] < k) last[id] = k;  // never read: free right away
                }
            }
        }
        for (int id : program.outputIds) last[id] = -1;
        List<List<Integer>> at = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) at.add(new ArrayList<>());
        for (int id = 0; id < last.length; id++) if (produced[id] && last[id] >= 0) at.get(last[id]).add(id);
        int[][] r = new int[steps.length][];
        for (int k = 0; k < r.length; k++) r[k] = at.get(k).stream().mapToInt(Integer::intValue).toArray();
        return r;
    }

    @Override
    public void close() {
        folded.forEach(Tensor::close);
        folded.clear();
    }
}
