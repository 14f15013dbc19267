package dev.panamax.autodiff.testing;

import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads NumPy {@code .npz} archives (as written by {@code numpy.savez}) into tensors: how reference values
 * from PyTorch reach Java tests without Python. Little-endian float64/float32/int64/int32, C order only;
 * anything else is rejected with the array's name and header.
 */
public final class Npz {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npz() {}

    /**
     * Every array in the archive, by name (caller closes the tensors, or reads inside a MemoryScope).
     *
     * @param in the {@code .npz} bytes (a zip of {@code .npy} files); read to the end, closed
     * @return the arrays by name (without {@code .npy}), in archive order
     * @throws IOException when the stream is not a zip, or an array has an unsupported dtype, Fortran order or a
     *                     malformed header
     */
    public static Map<String, Tensor> read(InputStream in) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, npy(name, zip.readAllBytes()));
            }
        }
        return out;
    }

    static Tensor npy(String name, byte[] b) throws IOException {
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(name + ": not a .npy array (bad magic)");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(b, start, headerLen, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) throw new IOException(name + ": unreadable .npy header " + header);
        if (o.group(1).equals("True")) throw new IOException(name + ": Fortran-ordered arrays are not supported");
        long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        int n = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        bb.position(start + headerLen);
        return switch (d.group(1)) {
            case "<f8" -> { double[] v = new double[n]; bb.asDoubleBuffer().get(v); yield Tensor.of(v, shape); }
            case "<f4" -> { float[] v = new float[n]; bb.asFloatBuffer().get(v); yield Tensor.of(v, shape); }
            case "<i8" -> { long[] v = new long[n]; bb.asLongBuffer().get(v); yield Tensor.of(v, shape); }
            case "<i4" -> { int[] v = new int[n]; bb.asIntBuffer().get(v); yield Tensor.of(v, shape); }
            default -> throw new IOException(name + ": dtype " + d.group(1) + " is not supported (float64/32, int64/32)");
        };
    }
}
