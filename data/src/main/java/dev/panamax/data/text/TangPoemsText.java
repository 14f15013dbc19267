package dev.panamax.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bodies of the Complete Tang Poems (全唐詩) from {@code chinese-poetry}'s {@code poet.tang.N.json} files: each
 * poem's lines joined by newlines, a blank line between poems, files in the order of N; titles, authors and ids
 * left out so the text is poetry only.
 */
final class TangPoemsText {
    static final String DIR = "dist/quantangshi";
    static final String MEMBERS = DIR + "/poet.tang.*.json";
    private static final Pattern FILE = Pattern.compile("poet\\.tang\\.(\\d+)\\.json");

    private TangPoemsText() {}

    static byte[] make(Path packageDir) throws IOException {
        List<Path> files;
        try (var list = Files.list(packageDir.resolve(DIR))) {
            files = list.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(TangPoemsText::number)).toList();
        }
        if (files.isEmpty()) throw new IOException(packageDir.resolve(DIR) + ": no poet.tang.N.json files");
        ObjectMapper json = new ObjectMapper();
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            for (JsonNode poem : json.readTree(file.toFile())) {
                StringBuilder body = new StringBuilder();
                for (JsonNode line : poem.path("paragraphs")) body.append(line.asText()).append('\n');
                if (!body.isEmpty()) text.append(body).append('\n');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int number(Path file) {
        Matcher m = FILE.matcher(file.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(file.toString());
        return Integer.parseInt(m.group(1));
    }
}
