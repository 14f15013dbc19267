package dev.panamax.kernels;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Panamax's start-up settings ({@code -Dpanamax.threads=4}, {@code PANAMAX_THREADS=4}, or
 * {@code Panamax.configure()} in the tensors module), read once by the classes that size pools and pick kernels.
 * Every read is remembered, so that a setting changed from code after its reader already ran fails loudly instead
 * of being silently ignored: the readers keep their values in {@code static final} fields, which is what lets the
 * JIT fold them into the kernels.
 */
public final class Settings {
    /** What each setting read so far returned (empty: unset). */
    private static final Map<String, Optional<String>> READ = new ConcurrentHashMap<>();

    private Settings() {}

    /**
     * The value of system property {@code property}, else of environment variable {@code env} (may be null), else
     * null; remembered as read.
     */
    public static String get(String property, String env) {
        String v = System.getProperty(property);
        if ((v == null || v.isBlank()) && env != null) v = System.getenv(env);
        if (v != null && v.isBlank()) v = null;
        String value = v == null ? null : v.trim();
        READ.putIfAbsent(property, Optional.ofNullable(value));
        return value;
    }

    /**
     * Sets {@code property} for the readers still to come.
     *
     * @throws IllegalStateException if a reader already used a different value (the setting is fixed for the life
     *     of this JVM; configure Panamax before its first tensor or kernel call)
     */
    public static void set(String property, String value) {
        Optional<String> used = READ.get(property);
        if (used != null && !Objects.equals(used.orElse(null), value)) {
            throw new IllegalStateException(property + " was already read as " + used.map(u -> "'" + u + "'").orElse("unset")
                    + " and is fixed for this JVM; call Panamax.configure()...apply() before the first tensor or kernel call");
        }
        System.setProperty(property, value);
    }

    /** Whether a reader has used {@code property} already. */
    public static boolean wasRead(String property) {
        return READ.containsKey(property);
    }
}
