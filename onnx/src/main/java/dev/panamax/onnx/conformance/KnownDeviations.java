package dev.panamax.onnx.conformance;

import java.util.LinkedHashMap;
import java.util.Map;

/** The known-deviations list: one node test per line, its name then the reason it fails; {@code #} starts a comment. */
public final class KnownDeviations {
    private KnownDeviations() {}

    /** Test name → reason, in file order. */
    public static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] parts = l.split("\\s+", 2);
            if (parts.length < 2) throw new IllegalArgumentException("known deviation '" + parts[0] + "' gives no reason");
            m.put(parts[0], parts[1]);
        }
        return m;
    }
}
