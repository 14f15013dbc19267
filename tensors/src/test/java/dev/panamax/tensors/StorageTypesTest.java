package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** The storage types' conversions, against bit patterns worked out by hand from the IEEE formats. */
class StorageTypesTest {
    private static int f16(double v) {
        return HalfPrecision.toF16(v) & 0xffff;
    }

    private static int bf16(float v) {
        return HalfPrecision.toBF16(v) & 0xffff;
    }

    @Test
    void float16RoundsToNearestEven() {
        assertEquals(0x3c00, f16(1.0));
        assertEquals(0xc000, f16(-2.0));
        assertEquals(0x7bff, f16(65504));               // the largest finite float16
        assertEquals(0x7bff, f16(65519.99));            // below the midpoint to 2^16: stays finite
        assertEquals(0x7c00, f16(65520));               // the midpoint: ties to even, which is infinity
        assertEquals(0x3555, f16(1.0 / 3));             // 1/3 = 1.0101…₂ · 2^-2: mantissa 0x155 (…0101|0101… rounds down)
        assertEquals(0x0400, f16(0x1p-14));             // the smallest normal
        assertEquals(0x03ff, f16(6.1e-5));              // subnormal: 6.1e-5 · 2^24 = 1023.4 → 1023
        assertEquals(0x0001, f16(0x1p-24));             // the smallest subnormal
        assertEquals(0x0000, f16(0x1p-25));             // half of it: a tie, to even (zero)
        assertEquals(0x0002, f16(3 * 0x1p-25));         // 1.5 steps: a tie, to even (2)
        assertEquals(0x3c00, f16(1 + 0x1p-11));         // halfway between 1 and 1 + 2^-10: to even (1)
        assertEquals(0x3c02, f16(1 + 3 * 0x1p-11));     // halfway between steps 1 and 2: to even (2)
        assertEquals(0x3c01, f16(1 + 0x1p-11 + 0x1p-40)); // just past the midpoint: up (a double rounded once, not via float)
        assertEquals(0x8000, f16(-0.0));
        assertEquals(0xfc00, f16(Double.NEGATIVE_INFINITY));
        assertEquals(0x7c00, f16(1e300));
        assertTrue(Float.isNaN(HalfPrecision.fromF16(HalfPrecision.toF16(Double.NaN))));
        assertEquals(65504f, HalfPrecision.fromF16((short) 0x7bff));
        assertEquals(0x1p-24f, HalfPrecision.fromF16((short) 0x0001));
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals(0x3f80, bf16(1f));
        assertEquals(0x3f80, bf16(1 + 0x1p-8f));        // halfway between 1 and 1 + 2^-7: to even (1)
        assertEquals(0x3f82, bf16(1 + 3 * 0x1p-8f));    // halfway between steps 1 and 2: to even (2)
        assertEquals(0x3f81, bf16(1 + 0x1p-8f + 0x1p-20f)); // past the midpoint: up
        assertEquals(0x3eab, bf16(1f / 3));              // 0x3eaaaaab: the dropped half 0xaaab is over 0x8000, up
        assertEquals(0x7f80, bf16(Float.MAX_VALUE));    // rounds past the largest bfloat16: infinity
        assertEquals(0xff80, bf16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(HalfPrecision.fromBF16(HalfPrecision.toBF16(Float.NaN))));
        assertTrue(Float.isNaN(HalfPrecision.fromBF16(HalfPrecision.toBF16(Float.intBitsToFloat(0x7f800001)))));  // a NaN whose payload truncation would lose
        assertEquals(1.5f, HalfPrecision.fromBF16((short) 0x3fc0));
    }

    @Test
    void narrowIntegersWrapAndUnsignedReadUnsigned() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.of(new double[] {-1, 200, 70000, 4294967297.0}, 4);
            assertArrayEquals(new long[] {-1, -56, 112, 1}, x.to(DType.I8).toLongArray());        // 200 - 256; 70000 mod 2^8 = 112
            assertArrayEquals(new long[] {-1, 200, 4464, 1}, x.to(DType.I16).toLongArray());      // 70000 mod 2^16 = 4464
            assertArrayEquals(new long[] {65535, 200, 4464, 1}, x.to(DType.U16).toLongArray());
            assertArrayEquals(new long[] {4294967295L, 200, 70000, 1}, x.to(DType.U32).toLongArray());
            Tensor big = Tensor.of(new double[] {0x1p63, 0x1p64 - 2048}, 2).to(DType.U64);
            assertArrayEquals(new double[] {0x1p63, 0x1p64 - 2048}, big.toDoubleArray());        // unsigned, not negative
            assertArrayEquals(new double[] {1, 0.5, 65504, Double.POSITIVE_INFINITY},
                    Tensor.of(new double[] {1, 0.5, 65504, 65520}, 4).to(DType.F16).toDoubleArray());
            assertEquals(DType.F32, DType.F16.compute());
            assertEquals(DType.I64, DType.U32.compute());
            assertEquals(DType.F32, DType.promote(DType.F16, DType.I64));
        }
    }
}
