package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Words end at whitespace; each punctuation character is a word. */
class BertPreTokenizerTest {
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        BertPreTokenizer.split(text, 0, text.length(), (s, start, end) -> out.add(s.substring(start, end)));
        return out;
    }

    @Test
    void splitsOnWhitespaceAndIsolatesPunctuation() {
        assertEquals(List.of("Hello", ",", "world", "!"), words("Hello, world!"));
        assertEquals(List.of("don", "'", "t"), words("don't"));
        assertEquals(List.of("$", "5", ".", "99"), words("$5.99"));
        assertEquals(List.of("a", "—", "b", "¿", "c", "?"), words("a—b ¿c?"));
        assertEquals(List.of("a", "b", "c"), words("  a\tb\u3000c\u00A0 "));
        assertEquals(List.of(), words(""));
        assertEquals(List.of(), words(" \n\t "));
    }

    @Test
    void symbolsAndEmojiStayInsideWords() {
        assertEquals(List.of("😀x€", "©"), words("😀x€ ©"));
        assertEquals(List.of("a", "…", "😀", "."), words("a…😀."));
    }

    @Test
    void splitsOnlyTheGivenRange() {
        List<String> out = new ArrayList<>();
        String text = "xx a,b yy";
        BertPreTokenizer.split(text, 3, 6, (s, start, end) -> out.add(s.substring(start, end)));
        assertEquals(List.of("a", ",", "b"), out);
    }
}
