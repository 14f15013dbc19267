package dev.panamax.data;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), raw or gzip-compressed: a big-endian header (two zero bytes, a type
 * code, a dimension count, the sizes) followed by the data. Only unsigned bytes (type 0x08) occur in MNIST
 * and are supported. A wrong magic number, impossible sizes, or a file shorter or longer than its header
 * says is an {@link IOException} that names the file and what was expected.
 */
public final class Idx {
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;  // the largest Java array
    private static final long FIRST_CHUNK = 1 << 20;

    private Idx() {}

    /**
     * The file's contents as a U8 tensor of the shape in its header (caller owns it).
     *
     * @param path an IDX file, raw or gzip-compressed
     * @return the data, shaped as the header says
     * @throws IOException when the file cannot be read, its magic number or type is not supported, or its length
     *                     does not match the header
     */
    public static Tensor read(Path path) throws IOException {
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read(), b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
            return read(in, path.toString());
        }
    }

    static Tensor read(InputStream stream, String what) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(what + ": empty or truncated IDX file (no header)");
        }
        int type = (magic >> 8) & 0xff, dims = magic & 0xff;
        if ((magic >>> 16) != 0 || dims < 1 || dims > 4) {
            throw new IOException(what + ": not an IDX file (magic number 0x" + Integer.toHexString(magic)
                    + "; expected 0x00000801 for labels or 0x00000803 for images)");
        }
        if (type != 0x08) {
            throw new IOException(what + ": IDX element type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
        }
        long[] shape = new long[dims];
        long count = 1;
        for (int i = 0; i < dims; i++) {
            try {
                shape[i] = Integer.toUnsignedLong(in.readInt());
            } catch (EOFException e) {
                throw new IOException(what + ": truncated IDX file: the header ends before its " + dims + " sizes");
            }
            count *= Math.max(1, shape[i]);
            if (shape[i] == 0 || count > MAX_ELEMENTS) {
                throw new IOException(what + ": impossible IDX sizes " + Arrays.toString(Arrays.copyOf(shape, i + 1)));
            }
        }
        // Read as it comes into off-heap memory that grows with what arrives: a damaged header must not allocate
        // gigabytes, and a Java array of the data (47 MB for MNIST's training images, twice that while
        // readNBytes gathers it) stayed in the old generation as dead pages for a whole training run.
        Tensor data = Tensor.empty(DType.U8, Math.min(count, FIRST_CHUNK));
        try {
            byte[] chunk = new byte[1 << 16];
            long got = 0;
            for (int n; got < count && (n = in.read(chunk, 0, (int) Math.min(chunk.length, count - got))) >= 0; got += n) {
                if (got + n > data.numel()) data = grown(data, got, Math.min(count, 2 * data.numel()));
                MemorySegment.copy(chunk, 0, data.segment(), ValueLayout.JAVA_BYTE, got, n);
            }
            if (got < count) {
                throw new IOException(what + ": truncated IDX file: the header promises " + count + " bytes of data for shape "
                        + Arrays.toString(shape) + " but only " + got + " follow. Download it again.");
            }
            if (in.read() != -1) {
                throw new IOException(what + ": IDX file is longer than its header (shape " + Arrays.toString(shape) + ") says");
            }
            try (Tensor read = data) {
                Tensor exact = Tensor.empty(DType.U8, shape);
                MemorySegment.copy(read.segment(), 0, exact.segment(), 0, count);
                return exact;
            }
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** A tensor of {@code size} bytes holding {@code t}'s first {@code used}; closes {@code t}. */
    private static Tensor grown(Tensor t, long used, long size) {
        try (t) {
            Tensor bigger = Tensor.empty(DType.U8, size);
            MemorySegment.copy(t.segment(), 0, bigger.segment(), 0, used);
            return bigger;
        }
    }
}
