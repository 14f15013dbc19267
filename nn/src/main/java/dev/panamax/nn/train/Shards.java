package dev.panamax.nn.train;

/**
 * Which examples of an epoch each process trains on, as PyTorch's {@code DistributedSampler} picks them: every
 * process computes the same global order (same seed), pads it by repeating its start to a multiple of the process
 * count, and process r takes positions r, r + N, r + 2N… So the processes' step k batches together hold exactly
 * the examples of one process's step k with N times the batch size.
 */
final class Shards {
    private Shards() {}

    /** Process {@code rank}'s share of {@code order} among {@code size} processes. */
    static int[] of(int[] order, int rank, int size) {
        if (size == 1) return order;
        int per = (order.length + size - 1) / size;
        int[] mine = new int[per];
        for (int i = 0; i < per; i++) mine[i] = order[(int) ((rank + (long) i * size) % order.length)];
        return mine;
    }
}
