package dev.panamax.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that finds and loads native libraries. A missing library is never fatal: callers get an empty
 * result and a {@link Found#problem()} that says what was tried and how to fix it. A path given explicitly
 * ({@code -Dpanamax.openblas=…}) that does not load is a configuration error, but still not fatal: it is logged
 * as a WARNING and reported the same way, so the pure Java path keeps working.
 */
public final class NativeLibs {
    /**
     * Result of looking for one library.
     *
     * @param name what was looked for, e.g. "OpenBLAS"
     * @param lookup its symbols when it loaded
     * @param path the file it loaded from, or null
     * @param problem why it is not available and how to fix that, or null when it is
     */
    public record Found(String name, Optional<SymbolLookup> lookup, String path, String problem) {
        /** Whether the library loaded. */
        public boolean available() {
            return lookup.isPresent();
        }
    }

    private static final ConcurrentHashMap<String, Found> CACHE = new ConcurrentHashMap<>();
    private static final System.Logger LOG = System.getLogger(NativeLibs.class.getName());

    private NativeLibs() {}

    /**
     * Whether the library of this key ({@code "openblas"}, {@code "cudart"}, {@code "cublas"}, {@code "mpi"},
     * {@code "cuda"}) has been looked for: its path is fixed for the life of the JVM from then on.
     */
    public static boolean wasSearched(String key) {
        return CACHE.containsKey(key);
    }

    /** OpenBLAS: {@code -Dpanamax.openblas=PATH}, {@code PANAMAX_OPENBLAS}, then the system library. */
    public static Found openblas() {
        return CACHE.computeIfAbsent("openblas", k -> find("OpenBLAS", "panamax.openblas", "PANAMAX_OPENBLAS",
                List.of("libopenblas.so.0", "libopenblas.so"), "openblas_get_config",
                "install Debian's libopenblas0-pthread (apt-get install libopenblas0-pthread) or point "
                        + "-Dpanamax.openblas=/path/to/libopenblas.so at one; Panamax uses its pure Java kernels meanwhile"));
    }

    /** The CUDA runtime: {@code -Dpanamax.cudart=PATH}, {@code PANAMAX_CUDART}, then the system library. */
    public static Found cudaRuntime() {
        return CACHE.computeIfAbsent("cudart", k -> find("CUDA runtime", "panamax.cudart", "PANAMAX_CUDART",
                List.of("libcudart.so.13", "libcudart.so.12", "libcudart.so"), "cudaGetDeviceCount",
                "install the CUDA runtime (CUDA 13) or set -Dpanamax.cudart=/path/to/libcudart.so; CPU is used meanwhile"));
    }

    /** cuBLAS: {@code -Dpanamax.cublas=PATH}, {@code PANAMAX_CUBLAS}, then the system library. */
    public static Found cublas() {
        return CACHE.computeIfAbsent("cublas", k -> find("cuBLAS", "panamax.cublas", "PANAMAX_CUBLAS",
                List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"), "cublasCreate_v2",
                "install cuBLAS for CUDA 13 or set -Dpanamax.cublas=/path/to/libcublas.so; CPU is used meanwhile"));
    }

    /**
     * Open MPI: {@code -Dpanamax.mpi=PATH}, {@code PANAMAX_MPI}, then the system library under the names in
     * {@code -Dpanamax.mpi.names} (comma-separated; default {@code libmpi.so.40,libmpi.so}, Open MPI 4's). Only a
     * distributed run (under {@code mpirun}) needs it; a single process never loads it.
     */
    public static Found mpi() {
        List<String> names = List.of(System.getProperty("panamax.mpi.names", "libmpi.so.40,libmpi.so").split(","));
        return CACHE.computeIfAbsent("mpi", k -> find("Open MPI", "panamax.mpi", "PANAMAX_MPI",
                names.stream().map(String::trim).filter(n -> !n.isEmpty()).toList(), "MPI_Init_thread",
                "install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or set -Dpanamax.mpi=/path/to/libmpi.so; "
                        + "a single process does not need it"));
    }

    /** The CUDA driver ({@code libcuda.so.1}), which only a machine with an NVIDIA GPU and driver has. */
    public static Found cudaDriver() {
        return CACHE.computeIfAbsent("cuda", k -> find("CUDA driver", "panamax.cuda", "PANAMAX_CUDA",
                List.of("libcuda.so.1", "libcuda.so"), "cuInit",
                "this machine has no NVIDIA driver (no GPU); Panamax runs on the CPU"));
    }

    private static Found find(String what, String property, String env, List<String> systemNames, String symbol, String fix) {
        List<String> tried = new ArrayList<>();
        String explicit = System.getProperty(property, System.getenv(env));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.trim());
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(p, Arena.global());
                return new Found(what, Optional.of(lookup), p.toAbsolutePath().toString(), null);
            } catch (IllegalArgumentException e) {
                // A configuration error, but throwing here would fail the static initialiser of every class that
                // binds the library, for the life of the JVM; reported instead, and the caller falls back.
                String problem = what + ": cannot load " + p + " (given by -D" + property + " or " + env + "): "
                        + e.getMessage() + "; check the path (`ldd " + p + "` shows missing dependencies)";
                LOG.log(System.Logger.Level.WARNING, problem);
                return new Found(what, Optional.empty(), null, problem);
            }
        }
        for (String name : systemNames) {
            tried.add(name);
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                return new Found(what, Optional.of(lookup), loadedPath(lookup, symbol).orElse(name), null);
            } catch (IllegalArgumentException notThere) {
                // try the next name
            }
        }
        return new Found(what, Optional.empty(), null,
                what + " not found (tried " + String.join(", ", tried) + " on the system library path): " + fix);
    }

    /** The file the dynamic loader mapped {@code symbol} from, read from this process's memory map. */
    private static Optional<String> loadedPath(SymbolLookup lookup, String symbol) {
        Optional<java.lang.foreign.MemorySegment> addr = lookup.find(symbol);
        if (addr.isEmpty()) return Optional.empty();
        long a = addr.get().address();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                String[] f = line.trim().split("\\s+", 6);
                if (f.length < 6 || !f[5].startsWith("/")) continue;
                String[] range = f[0].split("-");
                long lo = Long.parseUnsignedLong(range[0], 16), hi = Long.parseUnsignedLong(range[1], 16);
                if (Long.compareUnsigned(a, lo) >= 0 && Long.compareUnsigned(a, hi) < 0) return Optional.of(f[5]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unreadable map: the soname is still a useful answer
        }
        return Optional.empty();
    }
}
