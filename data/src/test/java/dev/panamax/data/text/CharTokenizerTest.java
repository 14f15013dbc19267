package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {
    /** Poetry, a supplementary-plane CJK character (𠀀, U+20000) and an emoji: both are surrogate pairs in Java. */
    static final String TRAINING = "床前明月光，疑是地上霜。\n𠀀 and 🎉, café!";

    @Test
    void vocabularyIsTheSortedCodePointsAndSurrogatePairsAreOneToken() {
        CharTokenizer tok = CharTokenizer.fit(TRAINING);
        int[] cps = tok.codePoints();
        assertArrayEquals(TRAINING.codePoints().sorted().distinct().toArray(), cps);
        assertEquals(cps.length, tok.vocabSize());
        int[] ids = tok.encode("🎉𠀀");
        assertEquals(2, ids.length, "two code points, four chars");
        assertEquals(0x1F389, cps[ids[0]]);
        assertEquals(0x20000, cps[ids[1]]);
        assertEquals('\n', cps[0], "ids follow code point order: newline is the smallest");
    }

    @Test
    void decodeOfEncodeGivesTheTextBack() {
        CharTokenizer tok = CharTokenizer.fit(TRAINING);
        for (String s : new String[] {TRAINING, "", "月🎉月", "𠀀\n𠀀"}) assertEquals(s, tok.decode(tok.encode(s)));
    }

    @Test
    void unknownCharactersAreNamedAndTheVocabularysOriginSaid() {
        CharTokenizer tok = CharTokenizer.fit(TRAINING);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode("月 xyz 🚀"));
        String m = e.getMessage();
        assertTrue(m.contains("'x' (U+0078)") && m.contains("'y'") && m.contains("'z'") && m.contains("'🚀' (U+1F680)"), m);
        assertTrue(m.contains("training text"), m);
        assertTrue(!m.contains("'月'"), "known characters are not named: " + m);
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {tok.vocabSize()}));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
    }

    @Test
    void saveAndLoadKeepTheVocabularyAndLeaveNoTemporaryFile(@TempDir Path dir) throws IOException {
        CharTokenizer tok = CharTokenizer.fit(TRAINING);
        Path file = dir.resolve("vocab.json");
        Files.writeString(file, "an older vocabulary that the save replaces");
        tok.save(file);
        CharTokenizer back = CharTokenizer.load(file);
        assertArrayEquals(tok.codePoints(), back.codePoints());
        assertArrayEquals(tok.encode(TRAINING), back.encode(TRAINING));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the vocabulary file, no temporary one");
        }
    }

    @Test
    void loadRejectsAFileThatIsNotAVocabulary(@TempDir Path dir) throws IOException {
        Path notVocab = dir.resolve("other.json");
        Files.writeString(notVocab, "{\"codePoints\": [66, 65]}");
        IOException e = assertThrows(IOException.class, () -> CharTokenizer.load(notVocab));
        assertTrue(e.getMessage().contains(notVocab.toString()), e.getMessage());
        Path unsorted = dir.resolve("unsorted.json");
        Files.writeString(unsorted, "{\"kind\": \"panamax-char-tokenizer\", \"codePoints\": [66, 65]}");
        assertThrows(IOException.class, () -> CharTokenizer.load(unsorted));
    }
}
