package dev.panamax.data.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plain English from the Brown corpus's tagged files ({@code The/at jury/nn said/vbd ./.}): tags dropped, the
 * corpus's {@code ``} and {@code ''} turned back into quotation marks, punctuation attached to its word, one
 * sentence per line and a blank line between the 500 samples, in file order.
 */
final class BrownText {
    /** The sample files: category letter a–r, two-digit number. */
    static final String MEMBERS = "c[a-r][0-9][0-9]";
    private static final Pattern SAMPLE = Pattern.compile(MEMBERS);
    private static final Set<String> ATTACH_LEFT = Set.of(",", ".", ";", ":", "!", "?", ")", "''", "'");
    private static final Set<String> ATTACH_RIGHT = Set.of("``", "(");

    private BrownText() {}

    /** The text of every sample in {@code packageDir}. */
    static byte[] make(Path packageDir) throws IOException {
        List<Path> samples;
        try (var files = Files.list(packageDir)) {
            samples = files.filter(p -> SAMPLE.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        if (samples.isEmpty()) throw new IOException(packageDir + ": no Brown sample files (" + MEMBERS + ")");
        StringBuilder text = new StringBuilder();
        for (Path sample : samples) {
            for (String line : Files.readAllLines(sample, StandardCharsets.UTF_8)) {
                String sentence = detag(line);
                if (!sentence.isEmpty()) text.append(sentence).append('\n');
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code The/at jury/nn ``/`` said/vbd ./.} → {@code The jury "said.} */
    static String detag(String taggedLine) {
        StringBuilder out = new StringBuilder();
        boolean glueNext = true;
        for (String token : taggedLine.strip().split("\\s+")) {
            if (token.isEmpty()) continue;
            int slash = token.lastIndexOf('/');
            String word = slash > 0 ? token.substring(0, slash) : token;
            if (!glueNext && !ATTACH_LEFT.contains(word)) out.append(' ');
            out.append(word.equals("``") || word.equals("''") ? "\"" : word);
            glueNext = ATTACH_RIGHT.contains(word);
        }
        return out.toString();
    }
}
