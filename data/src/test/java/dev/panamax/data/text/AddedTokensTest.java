package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leftmost-longest matching of added tokens, and the whitespace that lstrip and rstrip take along. */
class AddedTokensTest {
    private static AddedTokens.Token token(String content, int id, boolean lstrip, boolean rstrip) {
        return new AddedTokens.Token(content, id, true, lstrip, rstrip, false);
    }

    /** "text:..." for each stretch between tokens, "#id" for each token. */
    private static List<String> split(AddedTokens added, String text) {
        List<String> out = new ArrayList<>();
        added.split(text, new AddedTokens.Sink() {
            @Override
            public void text(String s, int start, int end) {
                out.add("text:" + s.substring(start, end));
            }

            @Override
            public void token(int id) {
                out.add("#" + id);
            }
        });
        return out;
    }

    @Test
    void findsTheLeftmostMatchAndTheLongestThere() {
        AddedTokens added = new AddedTokens(List.of(token("ab", 1, false, false), token("abc", 2, false, false), token("bcd", 3, false, false)));
        assertEquals(List.of("#2", "text:d"), split(added, "abcd"), "abc at 0 beats bcd at 1, and ab");
        assertEquals(List.of("text:x", "#1", "text:x", "#3"), split(added, "xabxbcd"));
        assertEquals(List.of("#1", "#1", "#1"), split(added, "ababab"));
        assertEquals(List.of("text:no tokens here"), split(added, "no tokens here"));
        assertEquals(List.of(), split(added, ""));
    }

    @Test
    void lstripAndRstripTakeTheWhitespaceBesideTheToken() {
        AddedTokens both = new AddedTokens(List.of(token("[M]", 7, true, true)));
        assertEquals(List.of("text:x", "#7", "text:y"), split(both, "x \t [M]\u3000 y"));
        assertEquals(List.of("#7", "#7"), split(both, "  [M]  [M]  "));
        AddedTokens neither = new AddedTokens(List.of(token("[M]", 7, false, false)));
        assertEquals(List.of("text:x  ", "#7", "text:  y"), split(neither, "x  [M]  y"));
    }

    @Test
    void specialIdsAreThoseMarkedSpecial() {
        AddedTokens added = new AddedTokens(List.of(token("[A]", 5, false, false), new AddedTokens.Token("word", 9, false, false, false, true),
                token("[B]", 3, false, false)));
        assertEquals(List.of(3, 5), java.util.Arrays.stream(added.specialIds()).boxed().toList());
    }
}
