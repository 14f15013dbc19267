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
}
