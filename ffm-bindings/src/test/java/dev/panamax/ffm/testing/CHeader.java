package dev.panamax.ffm.testing;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads C function prototypes out of an installed header, so a test can check each FFM binding's
 * {@link FunctionDescriptor} against the real declaration instead of against our own belief about it.
 * Understands what system headers use: {@code extern}, {@code const}, pointer stars, parameter names,
 * attribute macros after the parameter list, and {@code (void)} parameter lists.
 */
public final class CHeader {
    private final String text;

    private CHeader(String text, String... ignoredWords) {
        // Drop comments and preprocessor lines, then put everything on one line.
        String noBlock = text.replaceAll("(?s)/\\*.*?\\*/", " ");
        String noLine = noBlock.replaceAll("//[^\n]*", " ");
        String noPre = noLine.replaceAll("(?m)^\\s*#.*$", " ");
        String plain = noPre;
        for (String w : ignoredWords) plain = plain.replaceAll("\\b" + Pattern.quote(w) + "\\b", " ");
        this.text = plain.replaceAll("\\s+", " ");
    }

    /** Reads a header; {@code ignoredWords} are macros that expand to qualifiers, e.g. {@code OPENBLAS_CONST}. */
    public static CHeader read(Path path, String... ignoredWords) throws IOException {
        return new CHeader(Files.readString(path), ignoredWords);
    }

    /** A parsed prototype: return type and parameter types, each normalised like {@code "const float*"}. */
    public record Prototype(String name, String returnType, List<String> params) {
        /** The descriptor these C types make on this platform, given the header's typedefs. */
        public FunctionDescriptor descriptor(Map<String, MemoryLayout> typedefs) {
            List<MemoryLayout> args = new ArrayList<>();
            for (String p : params) args.add(layout(p, typedefs));
            MemoryLayout[] a = args.toArray(MemoryLayout[]::new);
            return returnType.equals("void") ? FunctionDescriptor.ofVoid(a) : FunctionDescriptor.of(layout(returnType, typedefs), a);
        }
    }

    /** The prototype of {@code name}, if the header declares it. */
    public Optional<Prototype> prototype(String name) {
        Matcher m = Pattern.compile("(?:^|[;{}])\\s*([^;{}()]*?)\\b" + Pattern.quote(name) + "\\s*\\(([^()]*)\\)").matcher(text);
        while (m.find()) {
            String ret = normalise(m.group(1).replaceAll("\\b(extern|static|inline|__inline|__extension__)\\b", ""));
            if (ret.isEmpty() || ret.startsWith("typedef") || ret.endsWith("=")) continue;
            List<String> params = new ArrayList<>();
            String plist = m.group(2).trim();
            if (!plist.isEmpty() && !plist.equals("void")) {
                for (String p : plist.split(",")) params.add(stripName(normalise(p)));
            }
            return Optional.of(new Prototype(name, ret, params));
        }
        return Optional.empty();
    }

    private static String normalise(String t) {
        return t.trim().replaceAll("\\s*\\*\\s*", "*").replaceAll("\\s+", " ")
                .replaceAll("(\\w)\\*", "$1*").trim();
    }

    /** "const float *x" becomes "const float*"; "size_t __size" becomes "size_t"; "int" stays. */
    private static String stripName(String p) {
        String s = p.replaceAll("\\[\\s*\\]$", "*");
        if (s.endsWith("*")) return s;
        int star = s.lastIndexOf('*');
        if (star >= 0) return s.substring(0, star + 1);
        String[] words = s.split(" ");
        if (words.length == 1) return s;
        String last = words[words.length - 1];
        // A parameter name follows its type; a lone type word (e.g. "unsigned int") has no name to strip.
        boolean lastIsType = last.equals("int") || last.equals("long") || last.equals("char") || last.equals("short")
                || last.equals("float") || last.equals("double");
        return lastIsType ? s : s.substring(0, s.length() - last.length()).trim();
    }

    static MemoryLayout layout(String type, Map<String, MemoryLayout> typedefs) {
        String t = type.replace("const ", "").replace(" const", "").trim();
        if (t.endsWith("*")) return ValueLayout.ADDRESS;
        if (typedefs.containsKey(t)) return typedefs.get(t);
        return switch (t) {
            case "char", "signed char", "unsigned char" -> ValueLayout.JAVA_BYTE;
            case "short", "unsigned short" -> ValueLayout.JAVA_SHORT;
            case "int", "unsigned", "unsigned int" -> ValueLayout.JAVA_INT;
            case "long", "unsigned long", "long long", "unsigned long long", "size_t", "ssize_t" -> ValueLayout.JAVA_LONG;
            case "float" -> ValueLayout.JAVA_FLOAT;
            case "double" -> ValueLayout.JAVA_DOUBLE;
            default -> throw new IllegalArgumentException("no layout known for C type '" + type + "'; add it to the typedef map");
        };
    }
}
