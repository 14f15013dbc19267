package dev.panamax.apps.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request parsers alone: JSON instances and .npy, the shapes they accept and the one-line 400s they give. */
class ParsersTest {
    private static final long[] IMAGE = {2, 2, 1};

    private static Input json(String body) {
        return JsonInstances.parse(body.getBytes(StandardCharsets.UTF_8), IMAGE);
    }

    private static ApiError badJson(String body) {
        ApiError e = assertThrows(ApiError.class, () -> json(body));
        assertEquals(400, e.status(), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void jsonInstancesOfTheInputShapeWithoutTheChannelOrFlat() {
        Input full = json("{\"signature_name\": \"x\", \"instances\": [[[[1],[2]],[[3],[4]]], [[[5],[6]],[[7],[8]]]]}");
        assertEquals(2, full.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, full.values());
        assertArrayEquals(new float[] {1, 2, 3, 4}, json("{\"instances\": [[[1, 2], [3, 4]]]}").values());
        assertArrayEquals(new float[] {1, 2, 3, 4.5f}, json("{\"instances\": [[1, 2, 3, 4.5]]}").values());
    }

    @Test
    void malformedOrMisshapedJsonIsA400NamingTheProblem() {
        assertTrue(badJson("{\"instances\": [[1, 2,").getMessage().startsWith("malformed JSON"));
        assertTrue(badJson("{\"instances\": [[1, 2, 3]]}").getMessage().contains("does not fit"));
        assertTrue(badJson("{\"instances\": [[\"a\", \"b\", \"c\", \"d\"]]}").getMessage().contains("numbers"));
        assertTrue(badJson("{\"instances\": [[[1, 2], [3]]]}").getMessage().contains("ragged"));
        assertTrue(badJson("{\"instances\": [[1, [2, 3], 4]]}").getMessage().contains("ragged"));
        assertTrue(badJson("{\"instances\": [[1, 2, 3, 4], [[1, 2], [3, 4]]]}").getMessage().contains("instance 1"));
        badJson("{\"instances\": []}");
        badJson("{\"inputs\": [[1, 2, 3, 4]]}");
        badJson("[1, 2]");
        badJson("{\"instances\": [[1, 2, 3, 4]]} trailing");
        badJson("");
    }

    static byte[] npy(String descr, String shape, int dataBytes) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    @Test
    void npyRoundTripsAndChecksItsHeader() {
        float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] written = Npy.write(values, 2, 4);
        assertEquals(0, (written.length - 4 * values.length) % 64, "the header is padded to 64 bytes");
        Input back = Npy.read(written, IMAGE);
        assertEquals(2, back.rows());
        assertArrayEquals(values, back.values());

        byte[] f8 = npy("<f8", "1, 2, 2", 32);
        ByteBuffer.wrap(f8).order(ByteOrder.LITTLE_ENDIAN).putDouble(f8.length - 8, 2.5);
        assertArrayEquals(new float[] {0, 0, 0, 2.5f}, Npy.read(f8, IMAGE).values());

        for (byte[] bad : new byte[][] {"not npy at all".getBytes(StandardCharsets.UTF_8), npy("<i4", "1, 4", 16), npy("<f4", "1, 3", 12),
                npy("<f4", "1, 4", 12), npy("<f4", "4", 16), npy("<f4", "1, x", 4)}) {
            ApiError e = assertThrows(ApiError.class, () -> Npy.read(bad, IMAGE));
            assertEquals(400, e.status(), e.getMessage());
        }
    }

    @Test
    void npyShapesWhoseProductWrapsAreRefused() {
        // (2^62, 2, 2, 1): 2^64 values, which a plain long product wrapped to 0 and took as an empty batch.
        ApiError e = assertThrows(ApiError.class, () -> Npy.read(npy("<f4", "4611686018427387904, 2, 2, 1", 0), IMAGE));
        assertEquals(400, e.status(), e.getMessage());
    }

    @Test
    void refusalsStayOnOneLineWhateverTheyQuote() {
        ApiError e = assertThrows(ApiError.class, () -> Npy.read(npy("<f4\n\u0001x", "1, 4", 16), IMAGE));
        assertEquals(".npy dtype '<f4\\n\\u0001x' is not supported; send float32 ('<f4') or float64 ('<f8')", e.getMessage());
        assertEquals("a\\u2028b", new ApiError(400, "a\u2028b").getMessage());
        assertEquals(ApiError.MAX_MESSAGE + 3, new ApiError(400, "x".repeat(10_000)).getMessage().length());
        assertEquals("the request was refused", new ApiError(400, null).getMessage());
    }

    @Test
    void anImageHeaderClaimingAHugeRasterIsRefusedBeforeDecoding() {
        // A 69-byte PNG whose header says 40,000 x 40,000: decoding it made a 1.6 GB raster before failing.
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(40_000).putInt(40_000).put(new byte[] {8, 0, 0, 0, 0}).array();
        crc.update(ihdr);
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        png.writeBytes(ihdr);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        ApiError e = assertThrows(ApiError.class, () -> PngInput.read(png.toByteArray(), IMAGE));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("40000 x 40000 pixels"), e.getMessage());
    }
}
