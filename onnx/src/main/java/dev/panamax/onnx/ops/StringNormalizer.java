package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * StringNormalizer: drops the stop words from a string tensor of shape {@code [C]} or {@code [1, C]} (exactly, or
 * ignoring case) and changes the case of the rest. When every string is dropped, the result is one empty string,
 * as the operator specifies. Case changes follow the Unicode rules of the root locale (the {@code locale}
 * attribute is read but not applied).
 */
final class StringNormalizer {
    private StringNormalizer() {}

    static void register(Map<String, Operator> ops) {
        ops.put("StringNormalizer", (node, opset) -> {
            Attributes a = node.attributes();
            String action = a.s("case_change_action", "NONE");
            if (!Set.of("NONE", "LOWER", "UPPER").contains(action)) {
                throw new IllegalArgumentException(node.describe() + ": case_change_action '" + action + "' must be NONE, LOWER or UPPER");
            }
            boolean sensitive = a.i("is_case_sensitive", 0) != 0;
            a.ignore("locale");
            List<String> stop = a.strings("stopwords");
            Set<String> stops = new HashSet<>();
            if (stop != null) for (String w : stop) stops.add(sensitive ? w : w.toLowerCase(Locale.ROOT));
            return (ValueKernel) in -> {
                if (!(in[0] instanceof StringTensor x)) throw new IllegalArgumentException("StringNormalizer takes strings, not " + Values.kind(in[0]));
                long[] s = x.shape();
                if (!(s.length == 1 || s.length == 2 && s[0] == 1)) {
                    throw new IllegalArgumentException("StringNormalizer takes shape [C] or [1, C], got " + java.util.Arrays.toString(s));
                }
                List<String> kept = new ArrayList<>();
                for (String w : x.data()) {
                    if (stops.contains(sensitive ? w : w.toLowerCase(Locale.ROOT))) continue;
                    kept.add(switch (action) {
                        case "LOWER" -> w.toLowerCase(Locale.ROOT);
                        case "UPPER" -> w.toUpperCase(Locale.ROOT);
                        default -> w;
                    });
                }
                if (kept.isEmpty()) kept.add("");
                long[] shape = s.length == 1 ? new long[] {kept.size()} : new long[] {1, kept.size()};
                return new Object[] {new StringTensor(shape, kept.toArray(String[]::new))};
            };
        });
    }
}
