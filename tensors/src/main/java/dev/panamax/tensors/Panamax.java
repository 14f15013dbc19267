package dev.panamax.tensors;

import dev.panamax.ffm.NativeLibs;
import dev.panamax.kernels.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration from code. The settings below are read once, when Panamax first needs them, from system
 * properties (then environment variables); {@link #configure()} sets them from code instead, and must run before
 * the first tensor or kernel call:
 *
 * <pre>{@code
 * Panamax.configure().threads(4).gemm("java").apply();
 * }</pre>
 *
 * <p>{@link Builder#apply()} checks every value first and sets none if one is bad ({@link IllegalArgumentException}
 * naming the setting and what it takes); a setting that Panamax has already read with another value fails with an
 * {@link IllegalStateException} rather than being ignored. A system property that holds a bad value is reported as
 * a WARNING through {@link System.Logger} and replaced by its default when read, so a class never fails to load.
 */
public final class Panamax {
    /** The backend request's system property; {@code PANAMAX_BACKEND} is its environment variable. */
    static final String BACKEND = "panamax.backend";

    private Panamax() {}

    /** {@return the backend that was asked for ({@code cpu} unless configured otherwise), which fixes it for this JVM} */
    public static String requestedBackend() {
        return BackendRequest.REQUESTED;
    }

    /**
     * Why the requested backend cannot serve (every op then fails with this line), or null when it can; fixes the
     * backend setting for this JVM.
     *
     * @return the problem, one line, or null
     */
    public static String backendProblem() {
        return BackendRequest.PROBLEM;
    }

    /** {@return a new builder of start-up settings; nothing changes until {@link Builder#apply()}} */
    public static Builder configure() {
        return new Builder();
    }

    /** Start-up settings to apply together; each method checks its value at once. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Kernel threads ({@code panamax.threads}, default: the available cores); at least 1.
         *
         * @param n the thread count, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code n} is below 1
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
            values.put("panamax.threads", Integer.toString(n));
            return this;
        }

        /**
         * Whether the Vector API kernels run ({@code panamax.simd}); false forces the scalar kernels.
         *
         * @param on whether the Vector API kernels run
         * @return this builder
         */
        public Builder simd(boolean on) {
            values.put("panamax.simd", on ? "1" : "0");
            return this;
        }

        /**
         * Which matrix product the CPU runs ({@code panamax.gemm}): {@code java}, {@code openblas} or {@code auto}.
         *
         * @param impl {@code java}, {@code openblas} or {@code auto}
         * @return this builder
         * @throws IllegalArgumentException for any other value
         */
        public Builder gemm(String impl) {
            String v = impl == null ? "" : impl.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("java") && !v.equals("openblas") && !v.equals("auto")) {
                throw new IllegalArgumentException("gemm must be java, openblas or auto, got '" + impl + "'");
            }
            values.put("panamax.gemm", v);
            return this;
        }

        /**
         * The OpenBLAS library to load ({@code panamax.openblas}) instead of the system's; the file must exist.
         *
         * @param library the path of a {@code libopenblas.so}
         * @return this builder
         * @throws IllegalArgumentException when the file does not exist
         */
        public Builder openblas(Path library) {
            if (!Files.isRegularFile(library)) {
                throw new IllegalArgumentException("openblas: no such file " + library + "; give the path of libopenblas.so");
            }
            values.put("panamax.openblas", library.toAbsolutePath().toString());
            return this;
        }

        /**
         * The compute backend ({@code panamax.backend}): {@code cpu} or {@code cuda}.
         *
         * @param kind {@code cpu} or {@code cuda}
         * @return this builder
         * @throws IllegalArgumentException for any other value
         */
        public Builder backend(String kind) {
            String v = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("cpu") && !v.equals("cuda")) {
                throw new IllegalArgumentException("backend must be cpu or cuda, got '" + kind + "'");
            }
            values.put(BACKEND, v);
            return this;
        }

        /**
         * Image ranges a convolution splits its batch into at most ({@code panamax.conv.parts}, default 8; a batch gets
         * fewer where its ranges would hold under 32 images, but two when it has two or more); at least 1.
         *
         * @param parts the number of ranges, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code parts} is below 1
         */
        public Builder convParts(int parts) {
            if (parts < 1) throw new IllegalArgumentException("convParts must be at least 1, got " + parts);
            values.put("panamax.conv.parts", Integer.toString(parts));
            return this;
        }

        /**
         * Sets every value given to this builder.
         *
         * @throws IllegalStateException if Panamax already read one of them with another value; none is set then
         */
        public void apply() {
            synchronized (Panamax.class) {
                if (values.containsKey("panamax.openblas") && NativeLibs.wasSearched("openblas")) {
                    throw new IllegalStateException("panamax.openblas: OpenBLAS was already looked up and is fixed for this JVM; "
                            + "call Panamax.configure()...apply() before the first tensor or kernel call");
                }
                for (var e : values.entrySet()) {
                    if (Settings.wasRead(e.getKey())) Settings.set(e.getKey(), e.getValue()); // throws if it differs
                }
                values.forEach(Settings::set);
            }
        }
    }
}
