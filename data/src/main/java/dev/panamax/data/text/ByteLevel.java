package dev.panamax.data.text;

import java.util.Arrays;

/**
 * GPT-2's reversible byte → character table ({@code bytes_to_unicode} in OpenAI's encoder): printable Latin-1
 * bytes stand for themselves, the other 68 (controls, space, soft hyphen…) are moved to U+0100 and up in byte
 * order, so every byte string becomes a string of visible characters that BPE can merge and a vocabulary can list.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        int moved = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            BYTE_TO_CHAR[b] = (char) (printable ? b : 256 + moved++);
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    private ByteLevel() {}

    /** The characters that stand for {@code bytes}, one per byte. */
    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The byte that character {@code c} stands for, or -1 when it stands for none. */
    static int decode(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }
}
