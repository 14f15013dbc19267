package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.apps.embed.EmbeddingFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax embed} and {@code panamax similar} with all-MiniLM-L6-v2: outputs, formats and bad input. */
class EmbedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLinesKeepInputOrderAndEachFileLineExactly(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("s.txt"), "  two leading spaces\nlast line, no break");
        String out = MainTest.capture(() -> Main.run("embed", "--json", "first argument", "--file", file.toString()), 0);
        List<JsonNode> rows = new ArrayList<>();
        for (String line : out.split("\n")) if (line.startsWith("{")) rows.add(JSON.readTree(line));
        assertEquals(List.of("first argument", "  two leading spaces", "last line, no break"), rows.stream().map(r -> r.get("text").asText()).toList());
        for (JsonNode r : rows) {
            assertEquals(384, r.get("embedding").size());
            double norm = 0;
            for (JsonNode v : r.get("embedding")) norm += v.asDouble() * v.asDouble();
            assertEquals(1.0, norm, 1e-5, "embeddings are L2-normalised");
        }
    }

    @Test
    void arrowFileHoldsTheSameVectorsAsThePrintedOnes(@TempDir Path dir) throws IOException {
        Path arrow = dir.resolve("v.arrow");
        MainTest.capture(() -> Main.run("embed", "--out", arrow.toString(), "The cat sits on the mat.", "一个男人在吃东西。"), 0);
        String printed = MainTest.capture(() -> Main.run("embed", "The cat sits on the mat.", "一个男人在吃东西。"), 0);
        String[] first = printed.lines().filter(l -> l.startsWith("The cat")).findFirst().orElseThrow().split("\t")[1].split(" ");
        EmbeddingFile.Contents c = EmbeddingFile.read(arrow);
        assertEquals(List.of("The cat sits on the mat.", "一个男人在吃东西。"), c.texts());
        assertEquals(384, c.vectors()[0].length);
        // Two runs in one JVM: the first runs partly interpreted, whose exp() may differ from the compiled one in the last bit.
        for (int j = 0; j < 384; j++) assertEquals(Float.parseFloat(first[j]), c.vectors()[0][j], 1e-6f);
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left behind");
    }

    @Test
    void similarRanksSentenceTransformersExample(@TempDir Path dir) throws IOException {
        Path corpus = Files.writeString(dir.resolve("c.txt"), String.join("\n", "A man is riding a horse.", "A woman is playing violin.",
                "A man is eating food.", "A monkey is playing drums.", "A man is eating a piece of bread.") + "\n");
        String out = MainTest.capture(() -> Main.run("similar", "--query", "A man is eating pasta.", "--file", corpus.toString(), "--top", "3"), 0);
        List<String> ranked = out.lines().filter(l -> l.matches("^\\d\\.\\d{4}\t.*")).toList();
        assertEquals(List.of("0.7035\t3\tA man is eating food.", "0.5272\t5\tA man is eating a piece of bread.",
                "0.1889\t1\tA man is riding a horse."), ranked);
    }

    @Test
    void badInputGetsOneLine(@TempDir Path dir) throws IOException {
        assertTrue(MainTest.capture(() -> Main.run("embed"), 1).contains("nothing to embed"));
        assertTrue(MainTest.capture(() -> Main.run("embed", "--model", "bert-huge", "x"), 1).contains("not 'all-minilm-l6-v2'"));
        assertTrue(MainTest.capture(() -> Main.run("embed", "--file", dir.resolve("none.txt").toString()), 1).contains("no such file"));
        Path latin1 = Files.write(dir.resolve("l.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertTrue(MainTest.capture(() -> Main.run("similar", "--query", "q", "--file", latin1.toString()), 1).contains("not UTF-8"));
    }
}
