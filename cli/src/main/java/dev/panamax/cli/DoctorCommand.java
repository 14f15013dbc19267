package dev.panamax.cli;

import dev.panamax.ffm.NativeLibs;
import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.backend.Backends;
import dev.panamax.tensors.backend.CpuBackend;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code panamax doctor}: what this machine gives Panamax, and what is missing. */
@Command(name = "doctor", description = "Check the JDK, the Vector API, native libraries and the selected backend.")
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return report(System.out);
    }

    static int report(PrintStream out) {
        int problems = 0;
        out.println("Panamax doctor");
        Runtime.Version v = Runtime.version();
        out.printf("  JDK              %s (%s) at %s%n", v, System.getProperty("java.vendor"), System.getProperty("java.home"));
        if (v.feature() < 25) {
            out.println("  !! Panamax needs JDK 25 or newer.");
            problems++;
        }
        out.printf("  Vector API       %s%n", Simd.describe());
        if (!Simd.ENABLED) {
            out.println("  !! WARNING: kernels fall back to SCALAR code, several times slower. Run with");
            out.println("  !!          --add-modules=jdk.incubator.vector (the ./panamax launcher does) and without -Dpanamax.simd=0.");
            problems++;
        } else {
            out.println("                   incubator module jdk.incubator.vector is loaded; vector kernels active");
        }
        out.printf("  Cores            %d available; kernel threads %d (-Dpanamax.threads or PANAMAX_THREADS)%n",
                Runtime.getRuntime().availableProcessors(), Parallel.THREADS);
        NativeLibs.Found blas = NativeLibs.openblas();
        if (blas.available()) {
            out.printf("  OpenBLAS         found at %s%n", blas.path());
            out.printf("                   %s; core %s; %d thread(s)%n", Cblas.string(Cblas.openblas_get_config()).trim(),
                    Cblas.string(Cblas.openblas_get_corename()), Cblas.openblas_get_num_threads());
            String coretype = System.getenv("OPENBLAS_CORETYPE");
            if (coretype != null) out.printf("                   OPENBLAS_CORETYPE=%s is set in the environment%n", coretype);
        } else {
            out.printf("  OpenBLAS         not found: %s%n", blas.problem());
        }
        NativeLibs.Found cuda = NativeLibs.cudaRuntime();
        out.printf("  CUDA runtime     %s%n", cuda.available() ? "found at " + cuda.path() : "not found: " + cuda.problem());
        NativeLibs.Found driver = NativeLibs.cudaDriver();
        out.printf("  CUDA driver      %s%n", driver.available() ? "found at " + driver.path() : "not found: " + driver.problem());
        NativeLibs.Found cublas = NativeLibs.cublas();
        out.printf("  cuBLAS           %s%n", cublas.available() ? "found at " + cublas.path() : "not found");
        out.printf("  MPI              %s%n", MpiReport.describe());
        out.printf("  Backend          %s%n", Backends.describe());
        out.printf("  GEMM             %s%n", CpuBackend.describe());
        // A tiny end-to-end check: allocate on Arrow memory, run a vector kernel, free, and account for every byte.
        try (MemoryScope scope = MemoryScope.open("doctor")) {
            Tensor x = Tensor.arange(1000, DType.F32);
            double s = x.mul(2).sum().item();
            boolean aligned = x.segment().address() % 64 == 0;
            out.printf("  Memory           Arrow allocator, %s buffers; self-test sum = %.0f (expected 999000)%n",
                    aligned ? "64-byte-aligned" : "MISALIGNED", s);
            if (s != 999000 || !aligned) problems++;
        }
        out.printf("                   %d bytes still allocated after the self-test%n", Memory.allocatedBytes());
        out.println(problems == 0 ? "All good." : problems + " problem(s) above.");
        return problems == 0 ? 0 : 1;
    }
}
