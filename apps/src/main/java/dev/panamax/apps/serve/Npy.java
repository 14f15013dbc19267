package dev.panamax.apps.serve;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, the binary body for large inputs ({@code np.save(f, x)}; format versions 1–3):
 * little-endian float32 or float64, C order, shape {@code (n, ...instance)}. Responses in the same format are
 * float32 {@code (n, outputs)}.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** The instances in {@code body} for a model whose input shape (batch excluded) is {@code model}. */
    static Input read(byte[] body, long[] model) {
        if (body.length < 10 || !Arrays.equals(Arrays.copyOf(body, 6), MAGIC)) throw ApiError.badRequest("not an .npy file (no \\x93NUMPY magic)");
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int major = body[6];
        long headerLen = major == 1 ? b.getShort(8) & 0xffff : body.length >= 12 ? b.getInt(8) & 0xffffffffL : -1;
        int start = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || headerLen < 0 || start + headerLen > body.length) throw ApiError.badRequest(".npy header is truncated or of unknown version " + major);
        String header = new String(body, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if (group(FORTRAN, header, "fortran_order").equals("True")) throw ApiError.badRequest(".npy in Fortran order is not supported; save a C-order array");
        int item = switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw ApiError.badRequest(".npy dtype '" + descr + "' is not supported; send float32 ('<f4') or float64 ('<f8')");
        };
        long[] shape;
        try {
            shape = Arrays.stream(group(SHAPE, header, "shape").split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(".npy shape is not a tuple of integers");
        }
        if (shape.length < 2 || shape[0] <= 0) throw ApiError.badRequest(".npy shape " + Arrays.toString(shape) + ": expected (n, ...instance) with n > 0");
        long[] instance = Arrays.copyOfRange(shape, 1, shape.length);
        Input.requireFits(instance, model);
        long count;
        try {
            count = Arrays.stream(shape).reduce(1, Math::multiplyExact);  // a wrapped product once let (2^62, 2, 2, 1) pass as 0 rows
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        int data = start + (int) headerLen;
        if (count > Integer.MAX_VALUE || (long) body.length - data != count * item) {
            throw ApiError.badRequest(".npy holds " + (body.length - data) + " data bytes; shape " + Arrays.toString(shape) + " needs " + count * item);
        }
        float[] values = new float[(int) count];
        b.position(data);
        if (item == 4) b.asFloatBuffer().get(values);
        else for (int i = 0; i < values.length; i++) values[i] = (float) b.getDouble(data + 8 * i);
        return new Input((int) shape[0], values);
    }

    private static String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw ApiError.badRequest(".npy header has no '" + key + "'");
        return m.group(1);
    }

    /** A float32 {@code .npy} (format 1.0) of {@code rows × cols} values. */
    static byte[] write(float[] values, int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
