package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @Test
    void readsUtf8AndTokenizesEveryCodePoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("poem.txt");
        String text = "床前明月光，\n疑是地上霜。🎉";
        Files.writeString(file, text, StandardCharsets.UTF_8);
        TextCorpus corpus = TextCorpus.read(file, CharTokenizer.fit(text));
        assertEquals(text.codePointCount(0, text.length()), corpus.tokens().size());
        assertEquals(text, corpus.tokenizer().decode(corpus.tokens().toArray()));
    }

    @Test
    void anEmptyFileAndANonUtf8FileAreRefusedEachWithItsReason(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        IOException e1 = assertThrows(IOException.class, () -> TextCorpus.read(empty, CharTokenizer.fit("a")));
        assertTrue(e1.getMessage().contains(empty.toString()) && e1.getMessage().contains("empty"), e1.getMessage());

        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "café au lait".getBytes(StandardCharsets.ISO_8859_1));
        IOException e2 = assertThrows(IOException.class, () -> TextCorpus.read(latin1, CharTokenizer.fit("a")));
        assertTrue(e2.getMessage().contains(latin1.toString()) && e2.getMessage().contains("not UTF-8")
                && e2.getMessage().contains("0xE9 at offset 3"), e2.getMessage());
    }

    @Test
    void theLastTenPercentIsValidationByDefault() {
        TextCorpus corpus = TextCorpus.of("digits", "0123456789".repeat(100), CharTokenizer.fit("0123456789"));
        TextCorpus.Split split = corpus.split();
        assertEquals(900, split.train().size());
        assertEquals(100, split.validation().size());
        assertEquals(corpus.tokens().get(900), split.validation().get(0), "validation starts where training ends");
        TextCorpus.Split quarter = TextCorpus.of("odd", "x".repeat(1001), CharTokenizer.fit("x")).split(0.25);
        assertEquals(751, quarter.train().size());
        assertEquals(250, quarter.validation().size());
        assertThrows(IllegalArgumentException.class, () -> corpus.split(1.0));
        try (MemoryScope s = MemoryScope.open("t"); Tensor ids = split.validation().toTensor()) {
            assertEquals(DType.I32, ids.dtype());
            assertArrayEquals(split.validation().toArray(), ids.toIntArray());
        }
    }
}
