package dev.panamax.onnx.ops;

import java.util.Arrays;

/**
 * An ONNX tensor of strings: row-major {@code data} of {@code shape}. Immutable and on the heap (strings are not
 * numbers: no kernel computes on them), so it owns no memory.
 */
public record StringTensor(long[] shape, String[] data) {
    public StringTensor {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        if (n != data.length) throw new IllegalArgumentException(data.length + " strings for shape " + Arrays.toString(shape));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StringTensor s && Arrays.equals(shape, s.shape) && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "strings" + Arrays.toString(shape) + Arrays.toString(data);
    }
}
