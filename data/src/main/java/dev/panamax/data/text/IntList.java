package dev.panamax.data.text;

import java.util.Arrays;

/** A growable {@code int[]}, for ids whose count is known only at the end. Not thread-safe: one per call. */
final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
        values = new int[Math.max(capacity, 4)];
    }

    void add(int value) {
        if (size == values.length) values = Arrays.copyOf(values, 2 * size);
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Drops every value from index {@code size} on. */
    void truncate(int size) {
        this.size = size;
    }

    /** Copies the first {@code n} values into {@code dst} from {@code at}. */
    void copyTo(int n, int[] dst, int at) {
        System.arraycopy(values, 0, dst, at, n);
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
