package dev.panamax.apps.dqn;

import dev.panamax.tensors.Rng;

/**
 * Experience replay (Mnih et al. 2015): the last {@code capacity} transitions {@code (s, a, r, s', end)}, from which
 * training draws uniform random batches, so that consecutive, strongly correlated steps do not follow one another in
 * the gradient. Plain arrays on the heap: a transition is a few numbers and a batch is copied into a tensor anyway.
 */
final class ReplayBuffer {
    private final int capacity, stateSize;
    private final float[] states, nextStates;  // (capacity, stateSize) each
    private final int[] actions;
    private final float[] rewards;
    /** 1 where the next state has a future (the episode went on, or only the step limit ended it), 0 where it failed. */
    private final float[] continues;
    private int size, next;

    ReplayBuffer(int capacity, int stateSize) {
        if (capacity <= 0) throw new IllegalArgumentException("the replay buffer's capacity must be positive, got " + capacity);
        this.capacity = capacity;
        this.stateSize = stateSize;
        states = new float[capacity * stateSize];
        nextStates = new float[capacity * stateSize];
        actions = new int[capacity];
        rewards = new float[capacity];
        continues = new float[capacity];
    }

    int size() {
        return size;
    }

    /** Stores a transition, overwriting the oldest once full. */
    void add(double[] state, int action, double reward, double[] nextState, boolean failed) {
        for (int j = 0; j < stateSize; j++) {
            states[next * stateSize + j] = (float) state[j];
            nextStates[next * stateSize + j] = (float) nextState[j];
        }
        actions[next] = action;
        rewards[next] = (float) reward;
        continues[next] = failed ? 0f : 1f;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** A batch drawn uniformly with replacement, into the caller's arrays. */
    void sample(Rng rng, Batch out) {
        int n = out.actions.length;
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(size);
            System.arraycopy(states, k * stateSize, out.states, i * stateSize, stateSize);
            System.arraycopy(nextStates, k * stateSize, out.nextStates, i * stateSize, stateSize);
            out.actions[i] = actions[k];
            out.rewards[i] = rewards[k];
            out.continues[i] = continues[k];
        }
    }

    /** A batch of {@code n} transitions; filled by {@link #sample}, reused from step to step. */
    static final class Batch {
        final float[] states, nextStates;  // (n, stateSize) each
        final long[] actions;
        final float[] rewards, continues;

        Batch(int n, int stateSize) {
            states = new float[n * stateSize];
            nextStates = new float[n * stateSize];
            actions = new long[n];
            rewards = new float[n];
            continues = new float[n];
        }
    }
}
