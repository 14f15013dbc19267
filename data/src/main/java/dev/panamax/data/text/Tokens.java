package dev.panamax.data.text;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/** A read-only run of token ids: a range of an array that splits and windows share without copying. */
public final class Tokens {
    private final int[] ids;
    private final int from, to;

    private Tokens(int[] ids, int from, int to) {
        Objects.checkFromToIndex(from, to, ids.length);
        this.ids = ids;
        this.from = from;
        this.to = to;
    }

    /** Takes {@code ids} over without copying; the caller must not change them afterwards. */
    static Tokens wrap(int[] ids) {
        return new Tokens(ids, 0, ids.length);
    }

    /** A copy of {@code ids}. */
    public static Tokens of(int... ids) {
        return wrap(ids.clone());
    }

    public int size() {
        return to - from;
    }

    public int get(int i) {
        return ids[from + Objects.checkIndex(i, size())];
    }

    /** Ids {@code [start, end)} of this run, sharing its array. */
    public Tokens slice(int start, int end) {
        Objects.checkFromToIndex(start, end, size());
        return new Tokens(ids, from + start, from + end);
    }

    /** A copy of the ids. */
    public int[] toArray() {
        return Arrays.copyOfRange(ids, from, to);
    }

    /** The ids as a new I32 tensor {@code (size)}. */
    public Tensor toTensor() {
        Tensor t = Tensor.empty(DType.I32, size());
        MemorySegment.copy(ids, from, t.segment(), ValueLayout.JAVA_INT, t.offset() * Integer.BYTES, size());
        return t;
    }

    /** Copies ids {@code [start, start + length)} into {@code dest} at {@code destPos}. */
    public void copyTo(int start, int[] dest, int destPos, int length) {
        Objects.checkFromIndexSize(start, length, size());
        System.arraycopy(ids, from + start, dest, destPos, length);
    }
}
