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

    /**
     * A copy of {@code ids}.
     *
     * @param ids token ids
     * @return a run holding a copy, so later changes to {@code ids} do not show
     */
    public static Tokens of(int... ids) {
        return wrap(ids.clone());
    }

    /** {@return the number of ids in this run} */
    public int size() {
        return to - from;
    }

    /**
     * The id at {@code i}.
     *
     * @param i a position in this run, 0 to size - 1
     * @return the id there
     * @throws IndexOutOfBoundsException when {@code i} is outside the run
     */
    public int get(int i) {
        return ids[from + Objects.checkIndex(i, size())];
    }

    /**
     * Ids {@code [start, end)} of this run, sharing its array.
     *
     * @param start the first position, inclusive
     * @param end   the last position, exclusive
     * @return the sub-run, no copy
     * @throws IndexOutOfBoundsException when the range is not within this run
     */
    public Tokens slice(int start, int end) {
        Objects.checkFromToIndex(start, end, size());
        return new Tokens(ids, from + start, from + end);
    }

    /** {@return a copy of the ids} */
    public int[] toArray() {
        return Arrays.copyOfRange(ids, from, to);
    }

    /** {@return the ids as a new I32 tensor {@code (size)}, owned by the caller} */
    public Tensor toTensor() {
        Tensor t = Tensor.empty(DType.I32, size());
        MemorySegment.copy(ids, from, t.segment(), ValueLayout.JAVA_INT, t.offset() * Integer.BYTES, size());
        return t;
    }

    /**
     * Copies ids {@code [start, start + length)} into {@code dest} at {@code destPos}.
     *
     * @param start   the first position of this run to copy
     * @param dest    the array to copy into
     * @param destPos where in {@code dest} the first id goes
     * @param length  how many ids to copy
     * @throws IndexOutOfBoundsException when the range is not within this run or {@code dest}
     */
    public void copyTo(int start, int[] dest, int destPos, int length) {
        Objects.checkFromIndexSize(start, length, size());
        System.arraycopy(ids, from + start, dest, destPos, length);
    }
}
