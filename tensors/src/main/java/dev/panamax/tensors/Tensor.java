package dev.panamax.tensors;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.CompareOp;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.UnaryOp;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.Owned;
import dev.panamax.tensors.memory.Storage;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An N-dimensional array on Arrow memory: a {@link DType}, a shape, strides and an offset (both in elements)
 * over a reference-counted {@link Storage}. Views (reshape, permute, slice, expand...) share storage and
 * never copy; {@link #contiguous()} copies only when the layout needs it. Every op returns a new tensor.
 *
 * <p>Lifetime: a tensor is registered with the innermost open {@link MemoryScope} of the creating thread and
 * freed when it closes (or by {@link #close()}). Using a closed tensor throws an exception naming the op.
 *
 * <pre>{@code
 * try (MemoryScope scope = MemoryScope.open("demo")) {
 *     Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);   // [[1,2,3],[4,5,6]]
 *     Tensor y = x.mul(2).add(Tensor.arange(3, DType.F32));         // broadcast over rows
 *     Tensor s = y.sum(new int[] {1}, true);                          // shape [2, 1]
 *     System.out.println(x.matmul(x.t()));
 * }
 * }</pre>
 */
public final class Tensor implements AutoCloseable, Owned {
    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    private long offset;
    /** Replaced only by {@link #shareMemoryOf}, before the tensor is in use. */
    private Storage storage;
    private volatile boolean closed;
    /** Who closed this tensor: "close()", or the name of the scope that did (the message is built only when needed). */
    private volatile String closedBy;
    private volatile boolean closedByScope;
    private MemoryScope owner;

    /** Takes over one reference of {@code storage}; registers with the current scope. */
    Tensor(DType dtype, long[] shape, long[] strides, long offset, Storage storage) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.storage = storage;
        MemoryScope.adopt(this);
    }

    // ---------------------------------------------------------------- creation

    /**
     * Uninitialised contiguous tensor.
     *
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope); its contents are undefined
     */
    public static Tensor empty(DType dtype, long... shape) {
        long[] s = Shape.validate("empty", shape);
        long bytes = Math.multiplyExact(Shape.numel(s), (long) dtype.byteSize());
        return new Tensor(dtype, s, Shape.contiguousStrides(s), 0, Memory.allocate(bytes));
    }

    /**
     * A contiguous tensor of zeros.
     *
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor zeros(DType dtype, long... shape) {
        Tensor t = empty(dtype, shape);
        t.segment().fill((byte) 0);
        return t;
    }

    /**
     * A contiguous tensor of ones.
     *
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor ones(DType dtype, long... shape) {
        return full(dtype, 1, shape);
    }

    /**
     * A contiguous tensor with every element {@code value}.
     *
     * @param dtype the element type
     * @param value the fill value, converted to {@code dtype}
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor full(DType dtype, double value, long... shape) {
        Tensor t = empty(dtype, shape);
        t.fill(value);
        return t;
    }

    /**
     * A 0-dimensional tensor holding {@code value}.
     *
     * @param value the value, converted to {@code dtype}
     * @param dtype the element type
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor scalar(double value, DType dtype) {
        return full(dtype, value);
    }

    /**
     * {@code start, start+step, ...} up to but excluding {@code end}, like {@code numpy.arange}.
     *
     * @param start the first value
     * @param end   the bound, excluded
     * @param step  the difference between neighbours, non-zero
     * @param dtype the element type
     * @return a new 1-D tensor of {@code ceil((end - start) / step)} values
     */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        Tensor t = empty(dtype, n);
        for (long i = 0; i < n; i++) Elements.setDouble(t.segment(), dtype, i, start + i * step);
        return t;
    }

    /**
     * {@code 0, 1, ..., n-1}.
     *
     * @param n     the length
     * @param dtype the element type
     * @return a new 1-D tensor
     */
    public static Tensor arange(long n, DType dtype) {
        return arange(0, n, 1, dtype);
    }

    /**
     * {@code n} evenly spaced values from {@code start} to {@code end} inclusive.
     *
     * @param start the first value
     * @param end   the last value
     * @param n     how many values
     * @param dtype the element type
     * @return a new 1-D tensor
     */
    public static Tensor linspace(double start, double end, long n, DType dtype) {
        if (n < 0) throw new IllegalArgumentException("linspace: count must be >= 0, got " + n);
        Tensor t = empty(dtype, n);
        double step = n > 1 ? (end - start) / (n - 1) : 0;
        for (long i = 0; i < n; i++) Elements.setDouble(t.segment(), dtype, i, i == n - 1 ? end : start + i * step);
        return t;
    }

    /**
     * The {@code n × n} identity matrix.
     *
     * @param n     the number of rows and columns
     * @param dtype the element type
     * @return a new 2-D tensor
     */
    public static Tensor eye(long n, DType dtype) {
        Tensor t = zeros(dtype, n, n);
        for (long i = 0; i < n; i++) Elements.setDouble(t.segment(), dtype, i * n + i, 1);
        return t;
    }

    /**
     * A new F32 tensor holding a copy of {@code data}, row-major.
     *
     * @param data  the elements, row-major; {@code numel(shape)} of them
     * @param shape the dimensions; none for a 1-D tensor of {@code data.length} (a 0-d tensor when
     *              {@code data} holds one value)
     * @return a new contiguous tensor owned by the caller (or its scope)
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(float[] data, long... shape) {
        Tensor t = empty(DType.F32, checkData("of", data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, data.length);
        return t;
    }

    /**
     * A new F64 tensor holding a copy of {@code data}, row-major.
     *
     * @param data  the elements, row-major; {@code numel(shape)} of them
     * @param shape the dimensions; none for a 1-D tensor of {@code data.length} (a 0-d tensor when
     *              {@code data} holds one value)
     * @return a new contiguous tensor owned by the caller (or its scope)
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(double[] data, long... shape) {
        Tensor t = empty(DType.F64, checkData("of", data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0, data.length);
        return t;
    }

    /**
     * A new I32 tensor holding a copy of {@code data}, row-major.
     *
     * @param data  the elements, row-major; {@code numel(shape)} of them
     * @param shape the dimensions; none for a 1-D tensor of {@code data.length} (a 0-d tensor when
     *              {@code data} holds one value)
     * @return a new contiguous tensor owned by the caller (or its scope)
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(int[] data, long... shape) {
        Tensor t = empty(DType.I32, checkData("of", data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_INT, 0, data.length);
        return t;
    }

    /**
     * A new I64 tensor holding a copy of {@code data}, row-major.
     *
     * @param data  the elements, row-major; {@code numel(shape)} of them
     * @param shape the dimensions; none for a 1-D tensor of {@code data.length} (a 0-d tensor when
     *              {@code data} holds one value)
     * @return a new contiguous tensor owned by the caller (or its scope)
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(long[] data, long... shape) {
        Tensor t = empty(DType.I64, checkData("of", data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_LONG, 0, data.length);
        return t;
    }

    /**
     * U8 tensor from raw bytes (values 0..255).
     *
     * @param data  the elements, row-major
     * @param shape the dimensions; none for a 1-D tensor of {@code data.length} (a 0-d tensor when
     *              {@code data} holds one value)
     * @return a new contiguous tensor owned by the caller (or its scope)
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor ofBytes(byte[] data, long... shape) {
        Tensor t = empty(DType.U8, checkData("ofBytes", data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
        return t;
    }

    /**
     * A contiguous tensor over {@code shape} elements of an Arrow buffer from {@code byteOffset}, without copying.
     * The tensor takes its own reference, so the buffer's owner may be closed first.
     *
     * @param dtype      the element type
     * @param buf        the Arrow buffer
     * @param byteOffset where the data starts in it, aligned to the dtype
     * @param shape      the dimensions
     * @return a view of the buffer's memory, owned by the caller (or its scope)
     */
    public static Tensor fromArrowBuf(DType dtype, org.apache.arrow.memory.ArrowBuf buf, long byteOffset, long... shape) {
        long[] s = Shape.validate("fromArrowBuf", shape);
        long bytes = Math.multiplyExact(Shape.numel(s), (long) dtype.byteSize());
        return new Tensor(dtype, s, Shape.contiguousStrides(s), 0, Storage.wrap(buf, byteOffset, bytes));
    }

    /**
     * This contiguous tensor's bytes as an Arrow buffer slice holding one new reference, which the caller
     * releases ({@code buf.getReferenceManager().release()}).
     *
     * @return the slice
     * @throws IllegalStateException when the tensor is not contiguous
     */
    public org.apache.arrow.memory.ArrowBuf toArrowBuf() {
        checkOpen("toArrowBuf");
        if (!isContiguous()) throw new IllegalStateException("toArrowBuf: " + describe() + " is not contiguous; call contiguous() first");
        long w = dtype.byteSize();
        org.apache.arrow.memory.ArrowBuf slice =
                storage.arrowBuf().slice(storage.arrowBufOffset() + offset * w, numel() * w);
        slice.getReferenceManager().retain();
        return slice;
    }

    private static long[] checkData(String op, int length, long[] shape) {
        long[] s = shape.length == 0 && length != 1 ? new long[] {length} : shape;
        if (Shape.numel(Shape.validate(op, s)) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + Shape.str(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return s;
    }

    /**
     * Uniform in [0, 1) from {@code rng}; same seed, same values, whatever the thread count.
     *
     * @param rng   the generator; each call advances it
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor rand(Rng rng, DType dtype, long... shape) {
        return uniform(rng, 0, 1, dtype, shape);
    }

    /**
     * Uniform in [lo, hi) from {@code rng}.
     *
     * @param rng   the generator; each call advances it
     * @param lo    the lower bound, included
     * @param hi    the upper bound, excluded
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor uniform(Rng rng, double lo, double hi, DType dtype, long... shape) {
        requireFloating("uniform", dtype);
        Tensor t = empty(dtype, shape);
        long n = t.numel();
        long first = rng.reserve(n);
        MemorySegment s = t.segment();
        Parallel.forRange(n, 1 << 14, (from, to) -> {
            for (long i = from; i < to; i++) Elements.setDouble(s, dtype, i, lo + (hi - lo) * rng.uniform(first + i));
        });
        return t;
    }

    /**
     * Standard normal from {@code rng}.
     *
     * @param rng   the generator; each call advances it
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor randn(Rng rng, DType dtype, long... shape) {
        return normal(rng, 0, 1, dtype, shape);
    }

    /**
     * Normal with the given mean and standard deviation, from {@code rng}.
     *
     * @param rng   the generator; each call advances it
     * @param mean  the mean
     * @param std   the standard deviation
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return a new contiguous tensor owned by the caller (or its scope)
     */
    public static Tensor normal(Rng rng, double mean, double std, DType dtype, long... shape) {
        requireFloating("normal", dtype);
        Tensor t = empty(dtype, shape);
        long n = t.numel();
        // Element i uses the draw pair (2p, 2p+1) with p = firstPair + i/2; round the reservation up to an even index.
        long firstPair = (rng.reserve(2 * ((n + 1) / 2) + 1) + 1) / 2;
        MemorySegment s = t.segment();
        Parallel.forRange(n, 1 << 14, (from, to) -> {
            for (long i = from; i < to; i++) {
                Elements.setDouble(s, dtype, i, mean + std * rng.normal(firstPair + i / 2, (i & 1) == 1));
            }
        });
        return t;
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) throw new IllegalArgumentException(op + ": needs F32 or F64, got " + dtype);
    }

    // ---------------------------------------------------------------- metadata

    /** {@return where this tensor's bytes live; ops run on that device's {@link Backend}} */
    public Device device() {
        return Device.CPU;
    }

    /**
     * This tensor on {@code target}, as PyTorch's {@code tensor.to(device)}: the tensor itself when it is already
     * there (no copy and no new reference, so close only one of them), else a copy on that device.
     *
     * @param target the device
     * @return this tensor, or a copy on {@code target}
     * @throws IllegalStateException when {@code target} has no backend in this build
     */
    public Tensor to(Device target) {
        checkOpen("to");
        if (target == device()) return this;
        throw new IllegalStateException("to(" + target + "): no backend for that device in this build; Device.CPU is the only one");
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return a copy of the dimensions} */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Size of dimension {@code axis} (negative counts from the end).
     *
     * @param axis the dimension; negative counts from the end
     * @return its size
     */
    public long dim(int axis) {
        return shape[Shape.axis("dim", axis, shape.length)];
    }

    /** {@return the number of dimensions (0 for a scalar)} */
    public int rank() {
        return shape.length;
    }

    /** {@return the number of elements} */
    public long numel() {
        return Shape.numel(shape);
    }

    /** {@return the strides in elements} */
    public long[] strides() {
        return strides.clone();
    }

    /**
     * Stride of dimension {@code axis} in elements (negative counts from the end).
     *
     * @param axis the dimension; negative counts from the end
     * @return its stride in elements
     */
    public long stride(int axis) {
        return strides[Shape.axis("stride", axis, strides.length)];
    }

    /** {@return the offset of element 0 in the storage, in elements} */
    public long offset() {
        return offset;
    }

    /** {@return the reference-counted memory this view reads (shared by every view of it)} */
    @Override
    public Storage storage() {
        return storage;
    }

    /** {@return the whole storage's memory; element {@code i} of a contiguous tensor is at {@code offset() + i}} */
    public MemorySegment segment() {
        checkOpen("segment");
        return storage.segment();
    }

    /** {@return true when elements are laid out row-major without gaps (size-1 dimensions may have any stride)} */
    public boolean isContiguous() {
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expect) return false;
            expect *= shape[i];
        }
        return true;
    }

    // ---------------------------------------------------------------- lifetime

    /** {@return whether this view was closed (by {@link #close()} or its scope)} */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Releases this view's reference to its memory; idempotent. */
    @Override
    public void close() {
        release("close()", false);
    }

    /**
     * Closes this view because {@code scope} is closing (recorded for the error a later use gives).
     *
     * @param scope the closing scope
     */
    @Override
    public void closeFromScope(MemoryScope scope) {
        release(scope.name(), true);
    }

    /**
     * Records the scope that now owns this view.
     *
     * @param scope the new owner, or null for the caller
     */
    @Override
    public void setOwner(MemoryScope scope) {
        this.owner = scope;
    }

    /** {@return the scope that will free this tensor, or null when the caller owns it} */
    @Override
    public MemoryScope owner() {
        return owner;
    }

    private synchronized void release(String why, boolean byScope) {
        if (closed) return;
        closed = true;
        closedBy = why;
        closedByScope = byScope;
        storage.release();
    }

    /** Throws a clear error when this tensor was closed; every op calls it first. */
    void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": tensor " + describe() + " was used after it was freed (by "
                    + (closedByScope ? "its scope '" + closedBy + "' closing" : closedBy)
                    + "). Keep a result alive with scope.keep(tensor) or create it in an outer scope.");
        }
    }

    String describe() {
        return dtype + Shape.str(shape);
    }

    /**
     * Returns this tensor after moving it out of its scope into the enclosing one; see {@link MemoryScope#keep}.
     *
     * @return this tensor
     */
    public Tensor keep() {
        checkOpen("keep");
        if (owner == null) return this;
        return owner.keep(this);
    }

    // ---------------------------------------------------------------- element access

    private long flatIndex(String op, long[] idx) {
        checkOpen(op);
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + idx.length + " indices for a tensor of rank " + shape.length
                    + " " + describe());
        }
        long o = offset;
        for (int i = 0; i < idx.length; i++) {
            long ix = idx[i] < 0 ? idx[i] + shape[i] : idx[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + idx[i] + " out of range for dimension " + i
                        + " of size " + shape[i] + " in " + describe());
            }
            o += ix * strides[i];
        }
        return o;
    }

    /**
     * One element, converted to double.
     *
     * @param idx one index per dimension; negative counts from the end
     * @return the value
     * @throws IndexOutOfBoundsException when an index is out of range
     * @throws IllegalArgumentException  when the number of indices is not the rank
     */
    public double getDouble(long... idx) {
        return Elements.getDouble(storage.segment(), dtype, flatIndex("getDouble", idx));
    }

    /**
     * One element, converted to long.
     *
     * @param idx one index per dimension; negative counts from the end
     * @return the value
     * @throws IndexOutOfBoundsException when an index is out of range
     * @throws IllegalArgumentException  when the number of indices is not the rank
     */
    public long getLong(long... idx) {
        return Elements.getLong(storage.segment(), dtype, flatIndex("getLong", idx));
    }

    /**
     * The single value of a one-element tensor.
     *
     * @return the value, converted to double
     * @throws IllegalStateException when the tensor does not have exactly one element
     */
    public double item() {
        checkOpen("item");
        if (numel() != 1) throw new IllegalStateException("item: needs exactly one element, " + describe() + " has " + numel());
        return Elements.getDouble(storage.segment(), dtype, offset + lastElementOffset());
    }

    private long lastElementOffset() {
        long o = 0;
        for (int i = 0; i < shape.length; i++) o += (shape[i] - 1) * strides[i];
        return o;
    }

    /**
     * Writes {@code value} at {@code idx}, in place.
     *
     * @param value the value, converted to the dtype
     * @param idx   one index per dimension
     * @return this tensor
     */
    public Tensor set(double value, long... idx) {
        Elements.setDouble(storage.segment(), dtype, flatIndex("set", idx), value);
        markModified();
        return this;
    }

    /**
     * How many in-place writes this tensor's memory has seen (through any view). Autodiff compares it with the
     * value recorded when a tensor was saved for backward, to refuse a gradient computed from changed data.
     *
     * @return the write count of the underlying storage
     */
    public long version() {
        return storage.version();
    }

    /** Records an in-place write done outside Tensor's own methods (for example by a fused optimizer kernel). */
    public void markModified() {
        storage.bumpVersion();
    }

    /**
     * {@code this += other} in place ({@code other} broadcast to this shape); this tensor must be contiguous.
     *
     * @param other the addend, broadcast to this shape
     * @return this tensor
     */
    public Tensor addInPlace(Tensor other) {
        checkOpen("addInPlace");
        other.checkOpen("addInPlace");
        ElementwiseOps.inPlace("addInPlace", BinaryOp.ADD, this, other);
        markModified();
        return this;
    }

    /**
     * {@code this *= s} in place; this tensor must be contiguous.
     *
     * @param s the factor
     * @return this tensor
     */
    public Tensor mulInPlace(double s) {
        return scalarInPlace("mulInPlace", BinaryOp.MUL, s);
    }

    /**
     * {@code this /= s} in place (the same rounding as {@link #div(double)}); this tensor must be contiguous.
     *
     * @param s the divisor
     * @return this tensor
     */
    public Tensor divInPlace(double s) {
        return scalarInPlace("divInPlace", BinaryOp.DIV, s);
    }

    private Tensor scalarInPlace(String name, BinaryOp op, double s) {
        checkOpen(name);
        try (Tensor c = Tensor.scalar(s, dtype)) {
            ElementwiseOps.inPlace(name, op, this, c);
        }
        markModified();
        return this;
    }

    /**
     * Sets every element to {@code value}, in place.
     *
     * @param value the value, converted to the dtype
     * @return this tensor
     */
    public Tensor fill(double value) {
        checkOpen("fill");
        try (Tensor v = scalarLike(value)) {
            CopyOps.copyInto(this, v);
        }
        markModified();
        return this;
    }

    /**
     * Makes this tensor a view of {@code source}'s memory instead of its own, which it releases: how weights loaded
     * from a memory-mapped file ({@link MappedFile}) become a model's without a copy. Returns false and changes
     * nothing unless both are open and contiguous with the same dtype and shape, this tensor's memory is its alone
     * (no view of it exists, none comes from a step arena), and both memories are accounted to one allocator;
     * the caller then copies. Only for a tensor not yet in use by other threads (a model being loaded).
     *
     * @param source the tensor whose memory to view
     * @return true when this tensor now views {@code source}'s memory
     */
    public boolean shareMemoryOf(Tensor source) {
        checkOpen("shareMemoryOf");
        source.checkOpen("shareMemoryOf");
        if (source.dtype != dtype || !Arrays.equals(source.shape, shape) || !isContiguous() || !source.isContiguous()
                || storage.references() != 1 || storage.pool() != null || source.storage.pool() != null
                || storage.allocator() != source.storage.allocator()) {
            return false;
        }
        source.storage.retain();
        Storage own = storage;
        storage = source.storage;
        offset = source.offset;
        own.release();
        markModified();
        return true;
    }

    /**
     * Copies {@code src} (broadcast to this shape, cast to this dtype) into this tensor, in place.
     *
     * @param src the values, broadcast to this shape
     * @return this tensor
     */
    public Tensor copyFrom(Tensor src) {
        checkOpen("copyFrom");
        src.checkOpen("copyFrom");
        Shape.broadcast("copyFrom", src.shape, shape);
        if (!Arrays.equals(Shape.broadcast("copyFrom", src.shape, shape), shape)) {
            throw new IllegalArgumentException("copyFrom: source " + src.describe() + " does not broadcast to destination "
                    + describe());
        }
        if (src.dtype != dtype) {
            try (Tensor c = src.to(dtype)) {
                CopyOps.copyInto(this, c);
            }
        } else {
            CopyOps.copyInto(this, src);
        }
        markModified();
        return this;
    }

    Tensor scalarLike(double value) {
        Tensor t = new Tensor(dtype, new long[0], new long[0], 0, Memory.allocate(dtype.byteSize()));
        Elements.setDouble(t.storage.segment(), dtype, 0, value);
        return t;
    }

    /** {@return the elements in row-major order, converted to float, as a heap copy} */
    public float[] toFloatArray() {
        return export(DType.F32).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
    }

    /** {@return the elements in row-major order, converted to double, as a heap copy} */
    public double[] toDoubleArray() {
        return export(DType.F64).toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE);
    }

    /** {@return the elements in row-major order, converted to int, as a heap copy} */
    public int[] toIntArray() {
        return export(DType.I32).toArray(java.lang.foreign.ValueLayout.JAVA_INT);
    }

    /** {@return the elements in row-major order, converted to long, as a heap copy} */
    public long[] toLongArray() {
        return export(DType.I64).toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
    }

    /** {@return the elements in row-major order, converted to byte, as a heap copy} */
    public byte[] toByteArray() {
        return export(DType.U8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The elements in row-major order, converted to {@code dt}, as a heap copy. */
    private MemorySegment export(DType dt) {
        checkOpen("toArray");
        try (Tensor c = to(dt); Tensor cc = c.contiguous()) {
            long w = dt.byteSize();
            MemorySegment heap = MemorySegment.ofArray(new long[(int) ((cc.numel() * w + 7) / 8)]);
            MemorySegment.copy(cc.segment(), cc.offset * w, heap, 0, cc.numel() * w);
            return heap.asSlice(0, cc.numel() * w);
        }
    }

    // ---------------------------------------------------------------- views

    /** A view sharing this tensor's storage. */
    Tensor view(long[] newShape, long[] newStrides, long newOffset) {
        storage.retain();
        return new Tensor(dtype, newShape, newStrides, newOffset, storage);
    }

    /**
     * Same data, new shape ({@code -1} infers one dimension). Copies only when the layout cannot be viewed.
     *
     * @param newShape the new dimensions, same element count; one may be -1
     * @return a view (or a copy), owned by the caller
     * @throws IllegalArgumentException when the element counts differ
     */
    public Tensor reshape(long... newShape) {
        checkOpen("reshape");
        return ShapeOps.reshape(this, newShape);
    }

    /** {@return flattens to one dimension} */
    public Tensor flatten() {
        return reshape(-1);
    }

    /**
     * Reorders dimensions: result dimension {@code i} is this tensor's dimension {@code order[i]}.
     *
     * @param order a permutation of the dimensions
     * @return a view
     */
    public Tensor permute(int... order) {
        checkOpen("permute");
        return ShapeOps.permute(this, order);
    }

    /**
     * Swaps two dimensions.
     *
     * @param a one dimension; negative counts from the end
     * @param b the other
     * @return a view
     */
    public Tensor transpose(int a, int b) {
        checkOpen("transpose");
        int r = rank();
        int[] order = new int[r];
        for (int i = 0; i < r; i++) order[i] = i;
        int x = Shape.axis("transpose", a, r), y = Shape.axis("transpose", b, r);
        order[x] = y;
        order[y] = x;
        return ShapeOps.permute(this, order);
    }

    /**
     * Transpose of a matrix (swaps the last two dimensions).
     *
     * @return a view
     */
    public Tensor t() {
        checkOpen("t");
        if (rank() < 2) throw new IllegalArgumentException("t: needs rank >= 2, got " + describe());
        return transpose(-2, -1);
    }

    /**
     * Elements {@code start, start+step, ...} (before {@code end}) along {@code axis}; negative bounds count from the end.
     *
     * @param axis  the dimension; negative counts from the end
     * @param start the first index, included
     * @param end   the bound, excluded
     * @param step  the stride between kept indices, positive
     * @return a view
     */
    public Tensor slice(int axis, long start, long end, long step) {
        checkOpen("slice");
        return ShapeOps.slice(this, axis, start, end, step);
    }

    /**
     * Elements {@code start} to {@code end - 1} along {@code axis} (step 1).
     *
     * @param axis  the dimension; negative counts from the end
     * @param start the first index, included
     * @param end   the bound, excluded
     * @return a view
     */
    public Tensor slice(int axis, long start, long end) {
        return slice(axis, start, end, 1);
    }

    /**
     * Index {@code index} along {@code axis}, removing that dimension.
     *
     * @param axis  the dimension; negative counts from the end
     * @param index the position along it
     * @return a view of rank - 1
     */
    public Tensor select(int axis, long index) {
        checkOpen("select");
        return ShapeOps.select(this, axis, index);
    }

    /** {@return a view with removes every size-1 dimension} */
    public Tensor squeeze() {
        checkOpen("squeeze");
        return ShapeOps.squeeze(this, -1, true);
    }

    /**
     * Removes dimension {@code axis}, which must have size 1.
     *
     * @param axis the dimension; negative counts from the end
     * @return a view of rank - 1
     * @throws IllegalArgumentException when that dimension is not of size 1
     */
    public Tensor squeeze(int axis) {
        checkOpen("squeeze");
        return ShapeOps.squeeze(this, axis, false);
    }

    /**
     * Inserts a size-1 dimension at {@code axis} (in the result's numbering).
     *
     * @param axis where the new dimension goes, 0 to rank
     * @return a view of rank + 1
     */
    public Tensor unsqueeze(int axis) {
        checkOpen("unsqueeze");
        return ShapeOps.unsqueeze(this, axis);
    }

    /**
     * A broadcast view with {@code target} shape ({@code -1} keeps a dimension); no copy.
     *
     * @param target the shape; this shape must broadcast to it
     * @return a view with stride 0 on the repeated dimensions
     */
    public Tensor expand(long... target) {
        checkOpen("expand");
        return ShapeOps.expand(this, target);
    }

    /** {@return this tensor if contiguous (as a new view), else a contiguous copy} */
    public Tensor contiguous() {
        checkOpen("contiguous");
        if (isContiguous()) return view(shape.clone(), strides.clone(), offset);
        return copy();
    }

    /** {@return a contiguous copy with its own storage} */
    public Tensor copy() {
        checkOpen("copy");
        Tensor out = empty(dtype, shape);
        CopyOps.copyInto(out, this);
        return out;
    }

    // ---------------------------------------------------------------- elementwise

    /**
     * Elementwise {@code this + o}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the sum, a new tensor of the broadcast shape
     */
    public Tensor add(Tensor o) { return ElementwiseOps.binary("add", BinaryOp.ADD, this, o); }
    /**
     * Elementwise {@code this - o}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the difference, a new tensor of the broadcast shape
     */
    public Tensor sub(Tensor o) { return ElementwiseOps.binary("sub", BinaryOp.SUB, this, o); }
    /**
     * Elementwise {@code this · o}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the product, a new tensor of the broadcast shape
     */
    public Tensor mul(Tensor o) { return ElementwiseOps.binary("mul", BinaryOp.MUL, this, o); }
    /**
     * Elementwise {@code this / o}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the quotient, a new tensor of the broadcast shape
     */
    public Tensor div(Tensor o) { return ElementwiseOps.binary("div", BinaryOp.DIV, this, o); }
    /**
     * Elementwise {@code this^o}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the power, a new tensor of the broadcast shape
     */
    public Tensor pow(Tensor o) { return ElementwiseOps.binary("pow", BinaryOp.POW, this, o); }
    /**
     * Elementwise {@code max(this, o)}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the larger values, a new tensor of the broadcast shape
     */
    public Tensor maximum(Tensor o) { return ElementwiseOps.binary("maximum", BinaryOp.MAX, this, o); }
    /**
     * Elementwise {@code min(this, o)}, broadcasting (NumPy rules); the dtype follows {@link DType#promote}.
     *
     * @param o the other operand
     * @return the smaller values, a new tensor of the broadcast shape
     */
    public Tensor minimum(Tensor o) { return ElementwiseOps.binary("minimum", BinaryOp.MIN, this, o); }

    /**
     * Elementwise {@code this + s} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the sum, a new tensor of this shape
     */
    public Tensor add(double s) { return ElementwiseOps.binaryScalar("add", BinaryOp.ADD, this, s); }
    /**
     * Elementwise {@code this - s} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the difference, a new tensor of this shape
     */
    public Tensor sub(double s) { return ElementwiseOps.binaryScalar("sub", BinaryOp.SUB, this, s); }
    /**
     * Elementwise {@code this · s} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the product, a new tensor of this shape
     */
    public Tensor mul(double s) { return ElementwiseOps.binaryScalar("mul", BinaryOp.MUL, this, s); }
    /**
     * Elementwise {@code this / s} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the quotient, a new tensor of this shape
     */
    public Tensor div(double s) { return ElementwiseOps.binaryScalar("div", BinaryOp.DIV, this, s); }
    /**
     * Elementwise {@code this^s} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the power, a new tensor of this shape
     */
    public Tensor pow(double s) { return ElementwiseOps.binaryScalar("pow", BinaryOp.POW, this, s); }
    /**
     * Elementwise {@code max(this, s)} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the larger values, a new tensor of this shape
     */
    public Tensor maximum(double s) { return ElementwiseOps.binaryScalar("maximum", BinaryOp.MAX, this, s); }
    /**
     * Elementwise {@code min(this, s)} with a scalar (see {@link DType#promoteWithScalar}).
     *
     * @param s the scalar
     * @return the smaller values, a new tensor of this shape
     */
    public Tensor minimum(double s) { return ElementwiseOps.binaryScalar("minimum", BinaryOp.MIN, this, s); }

    /**
     * Limits every element to [lo, hi].
     *
     * @param lo the lower bound
     * @param hi the upper bound
     * @return a new tensor
     */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        try (Tensor m = maximum(lo)) {
            return m.minimum(hi);
        }
    }

    /**
     * Elementwise {@code this == o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor eq(Tensor o) { return ElementwiseOps.compare("eq", CompareOp.EQ, this, o); }
    /**
     * Elementwise {@code this != o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor ne(Tensor o) { return ElementwiseOps.compare("ne", CompareOp.NE, this, o); }
    /**
     * Elementwise {@code this < o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor lt(Tensor o) { return ElementwiseOps.compare("lt", CompareOp.LT, this, o); }
    /**
     * Elementwise {@code this <= o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor le(Tensor o) { return ElementwiseOps.compare("le", CompareOp.LE, this, o); }
    /**
     * Elementwise {@code this > o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor gt(Tensor o) { return ElementwiseOps.compare("gt", CompareOp.GT, this, o); }
    /**
     * Elementwise {@code this >= o}, broadcasting.
     *
     * @param o the other operand
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor ge(Tensor o) { return ElementwiseOps.compare("ge", CompareOp.GE, this, o); }

    /**
     * Elementwise {@code this == s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor eq(double s) { return ElementwiseOps.compareScalar("eq", CompareOp.EQ, this, s); }
    /**
     * Elementwise {@code this != s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor ne(double s) { return ElementwiseOps.compareScalar("ne", CompareOp.NE, this, s); }
    /**
     * Elementwise {@code this < s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor lt(double s) { return ElementwiseOps.compareScalar("lt", CompareOp.LT, this, s); }
    /**
     * Elementwise {@code this <= s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor le(double s) { return ElementwiseOps.compareScalar("le", CompareOp.LE, this, s); }
    /**
     * Elementwise {@code this > s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor gt(double s) { return ElementwiseOps.compareScalar("gt", CompareOp.GT, this, s); }
    /**
     * Elementwise {@code this >= s}.
     *
     * @param s the scalar
     * @return a U8 mask: 1 where true, 0 where false
     */
    public Tensor ge(double s) { return ElementwiseOps.compareScalar("ge", CompareOp.GE, this, s); }

    /**
     * {@code cond ? a : b} elementwise, with broadcasting; {@code cond} is a U8 mask (non-zero is true).
     *
     * @param cond the mask
     * @param a    taken where {@code cond} is non-zero
     * @param b    taken where it is zero
     * @return a new tensor of the broadcast shape
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return ElementwiseOps.where(cond, a, b);
    }

    /**
     * {@return a new tensor of {@code -x} of every element (integers promote to floating point where the result needs
     * it)}
     */
    public Tensor neg() { return ElementwiseOps.unary("neg", UnaryOp.NEG, this); }
    /**
     * {@return a new tensor of {@code |x|} of every element (integers promote to floating point where the result needs
     * it)}
     */
    public Tensor abs() { return ElementwiseOps.unary("abs", UnaryOp.ABS, this); }
    /**
     * {@return a new tensor of {@code e^x} of every element (integers promote to floating point where the result needs
     * it)}
     */
    public Tensor exp() { return ElementwiseOps.unary("exp", UnaryOp.EXP, this); }
    /**
     * {@return a new tensor of the natural logarithm of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor log() { return ElementwiseOps.unary("log", UnaryOp.LOG, this); }
    /**
     * {@return a new tensor of the square root of every element (integers promote to floating point where the result
     * needs it)}
     */
    public Tensor sqrt() { return ElementwiseOps.unary("sqrt", UnaryOp.SQRT, this); }
    /**
     * {@return a new tensor of {@code 1 / sqrt(x)} of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor rsqrt() { return ElementwiseOps.unary("rsqrt", UnaryOp.RSQRT, this); }
    /**
     * {@return a new tensor of the hyperbolic tangent of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor tanh() { return ElementwiseOps.unary("tanh", UnaryOp.TANH, this); }
    /**
     * {@return a new tensor of the logistic function {@code 1 / (1 + e^-x)} of every element (integers promote to
     * floating point where the result needs it)}
     */
    public Tensor sigmoid() { return ElementwiseOps.unary("sigmoid", UnaryOp.SIGMOID, this); }
    /**
     * {@return a new tensor of {@code max(x, 0)} of every element (integers promote to floating point where the result
     * needs it)}
     */
    public Tensor relu() { return ElementwiseOps.unary("relu", UnaryOp.RELU, this); }
    /**
     * {@return a new tensor of {@code x²} of every element (integers promote to floating point where the result needs
     * it)}
     */
    public Tensor square() { return ElementwiseOps.unary("square", UnaryOp.SQUARE, this); }
    /**
     * {@return a new tensor of {@code 1 / x} of every element (integers promote to floating point where the result
     * needs it)}
     */
    public Tensor reciprocal() { return ElementwiseOps.unary("reciprocal", UnaryOp.RECIPROCAL, this); }
    /**
     * {@return a new tensor of the sine (radians) of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor sin() { return ElementwiseOps.unary("sin", UnaryOp.SIN, this); }
    /**
     * {@return a new tensor of the cosine (radians) of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor cos() { return ElementwiseOps.unary("cos", UnaryOp.COS, this); }
    /**
     * {@return a new tensor of {@code log(1 + x)}, exact for small x of every element (integers promote to floating
     * point where the result needs it)}
     */
    public Tensor log1p() { return ElementwiseOps.unary("log1p", UnaryOp.LOG1P, this); }
    /**
     * {@return a new tensor of {@code e^x - 1}, exact for small x of every element (integers promote to floating point
     * where the result needs it)}
     */
    public Tensor expm1() { return ElementwiseOps.unary("expm1", UnaryOp.EXPM1, this); }
    /**
     * {@return a new tensor of the sign: -1, 0 or 1 of every element (integers promote to floating point where the
     * result needs it)}
     */
    public Tensor sign() { return ElementwiseOps.unary("sign", UnaryOp.SIGN, this); }
    /** {@return a new tensor of the error function of every element (integers promote to floating point)} */
    public Tensor erf() { return ElementwiseOps.unary("erf", UnaryOp.ERF, this); }
    /** {@return a new tensor: 1 where the element is positive, else 0 (ReLU's derivative)} */
    public Tensor step() { return ElementwiseOps.unary("step", UnaryOp.STEP, this); }

    /**
     * A copy converted to {@code target} (a new view of the same data when the dtype already matches).
     *
     * @param target the element type wanted
     * @return the converted tensor, owned by the caller
     */
    public Tensor to(DType target) {
        checkOpen("to");
        if (target == dtype) return view(shape.clone(), strides.clone(), offset);
        return CopyOps.cast(this, target);
    }

    // ---------------------------------------------------------------- reductions

    /** {@return the sum of all elements (0-d). Integer sums are I64} */
    public Tensor sum() { return ReduceOps.sum(this, null, false); }
    /**
     * The sum over {@code axes}.
     *
     * @param axes    the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new tensor
     */
    public Tensor sum(int[] axes, boolean keepdim) { return ReduceOps.sum(this, axes, keepdim); }
    /**
     * The sum over {@code axes}, which are removed.
     *
     * @param axes the dimensions to reduce; negative counts from the end; empty for all
     * @return a new tensor
     */
    public Tensor sum(int... axes) { return ReduceOps.sum(this, axes, false); }

    /** {@return the mean of all elements, a new 0-d tensor} */
    public Tensor mean() { return ReduceOps.mean(this, null, false); }
    /**
     * The mean over {@code axes}.
     *
     * @param axes    the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new tensor
     */
    public Tensor mean(int[] axes, boolean keepdim) { return ReduceOps.mean(this, axes, keepdim); }
    /**
     * The mean over {@code axes}, which are removed.
     *
     * @param axes the dimensions to reduce; negative counts from the end; empty for all
     * @return a new tensor
     */
    public Tensor mean(int... axes) { return ReduceOps.mean(this, axes, false); }

    /** {@return the maximum of all elements, a new 0-d tensor} */
    public Tensor max() { return ReduceOps.extreme(this, true, null, false); }
    /**
     * The maximum over {@code axes}.
     *
     * @param axes    the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new tensor
     */
    public Tensor max(int[] axes, boolean keepdim) { return ReduceOps.extreme(this, true, axes, keepdim); }
    /**
     * The maximum over {@code axes}, which are removed.
     *
     * @param axes the dimensions to reduce; negative counts from the end; empty for all
     * @return a new tensor
     */
    public Tensor max(int... axes) { return ReduceOps.extreme(this, true, axes, false); }

    /** {@return the minimum of all elements, a new 0-d tensor} */
    public Tensor min() { return ReduceOps.extreme(this, false, null, false); }
    /**
     * The minimum over {@code axes}.
     *
     * @param axes    the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new tensor
     */
    public Tensor min(int[] axes, boolean keepdim) { return ReduceOps.extreme(this, false, axes, keepdim); }
    /**
     * The minimum over {@code axes}, which are removed.
     *
     * @param axes the dimensions to reduce; negative counts from the end; empty for all
     * @return a new tensor
     */
    public Tensor min(int... axes) { return ReduceOps.extreme(this, false, axes, false); }

    /**
     * Variance with Bessel's correction ({@code correction = 1}, PyTorch's default) over {@code axes}.
     *
     * @param axes    the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new floating tensor
     */
    public Tensor var(int[] axes, boolean keepdim) { return ReduceOps.var(this, axes, keepdim, 1); }

    /**
     * Variance dividing by {@code N - correction} ({@code 0} gives the population variance, Keras' choice).
     *
     * @param axes       the dimensions to reduce; negative counts from the end; empty for all
     * @param keepdim    whether reduced dimensions stay as size 1
     * @param correction subtracted from the count N
     * @return a new floating tensor
     */
    public Tensor var(int[] axes, boolean keepdim, int correction) { return ReduceOps.var(this, axes, keepdim, correction); }

    /** {@return the index (I64) of the first maximum over the flattened tensor} */
    public Tensor argmax() { return ReduceOps.arg(this, true, null, false); }
    /**
     * Index (I64) of the first maximum along {@code axis}.
     *
     * @param axis    the dimension; negative counts from the end
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new I64 tensor
     */
    public Tensor argmax(int axis, boolean keepdim) { return ReduceOps.arg(this, true, axis, keepdim); }
    /** {@return the index (I64) of the first minimum over the flattened tensor} */
    public Tensor argmin() { return ReduceOps.arg(this, false, null, false); }
    /**
     * Index (I64) of the first minimum along {@code axis}.
     *
     * @param axis    the dimension; negative counts from the end
     * @param keepdim whether reduced dimensions stay as size 1
     * @return a new I64 tensor
     */
    public Tensor argmin(int axis, boolean keepdim) { return ReduceOps.arg(this, false, axis, keepdim); }

    // ---------------------------------------------------------------- linear algebra and indexing

    /**
     * Matrix product with NumPy semantics: 1-D operands are promoted, batch dimensions broadcast.
     *
     * @param o the right operand: (..., K, N), or (K) for a vector
     * @return the product (..., M, N), a new tensor
     */
    public Tensor matmul(Tensor o) {
        return LinalgOps.matmul(this, o);
    }

    /**
     * Joins tensors along an existing axis.
     *
     * @param axis  the dimension; negative counts from the end
     * @param parts the pieces, equal in every other dimension
     * @return a new tensor
     */
    public static Tensor concat(int axis, Tensor... parts) {
        return IndexOps.concat(axis, parts);
    }

    /**
     * Joins tensors along a new axis.
     *
     * @param axis  where the new dimension goes
     * @param parts the pieces, all of one shape
     * @return a new tensor of rank + 1
     */
    public static Tensor stack(int axis, Tensor... parts) {
        return IndexOps.stack(axis, parts);
    }

    /**
     * {@code out[..i..] = this[..index[..i..]..]} along {@code axis} (like {@code torch.gather}).
     *
     * @param axis  the dimension; negative counts from the end
     * @param index integer positions, of this rank
     * @return a new tensor shaped like {@code index}
     */
    public Tensor gather(int axis, Tensor index) {
        return IndexOps.gather(this, axis, index);
    }

    /**
     * The slices at {@code index} (1-D integer tensor) along {@code axis}.
     *
     * @param axis  the dimension; negative counts from the end
     * @param index integer positions along the axis (repeats allowed)
     * @return a new tensor with that dimension replaced by {@code index}'s length
     */
    public Tensor indexSelect(int axis, Tensor index) {
        return IndexOps.indexSelect(this, axis, index);
    }

    /**
     * One-hot F32 encoding of an integer tensor: shape {@code [...this, classes]}.
     *
     * @param classes the number of classes; every value must lie in [0, classes)
     * @return a new F32 tensor
     * @throws IllegalArgumentException when a value is out of range
     */
    public Tensor oneHot(int classes) {
        return IndexOps.oneHot(this, classes);
    }

    // ---------------------------------------------------------------- comparison and printing

    /**
     * {@code |this - other| <= atol + rtol * |other|} everywhere (shapes must broadcast); NaNs compare unequal.
     *
     * @param other the reference values
     * @param rtol  the relative tolerance
     * @param atol  the absolute tolerance
     * @return whether every element is within tolerance
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return CopyOps.allClose(this, other, rtol, atol);
    }

    /**
     * {@link #allClose(Tensor, double, double)} with NumPy's defaults (rtol 1e-5, atol 1e-8).
     *
     * @param other the reference values
     * @return whether every element is within tolerance
     */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-8);
    }

    /** NumPy-style text, summarised with "..." for large tensors. */
    @Override
    public String toString() {
        if (closed) return "tensor(<freed> " + describe() + ")";
        return TensorFormat.format(this);
    }
}
