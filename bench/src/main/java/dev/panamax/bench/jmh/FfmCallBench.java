package dev.panamax.bench.jmh;

import dev.panamax.ffm.NativeLibs;
import dev.panamax.ffm.openblas.Cblas;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Cost of a tiny FFM call: {@code cblas_sdot} on 8 floats, with and without {@code Linker.Option.critical}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCallBench {
    MemorySegment x;
    MethodHandle plain;

    @Setup
    public void setUp() {
        x = Arena.ofAuto().allocate(8 * 4, 64);
        for (int i = 0; i < 8; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
        plain = Linker.nativeLinker().downcallHandle(
                NativeLibs.openblas().lookup().orElseThrow().find("cblas_sdot").orElseThrow(), Cblas.CBLAS_SDOT$DESC);
    }

    @Benchmark
    public float sdot8Critical() {
        return Cblas.cblas_sdot(8, x, 1, x, 1);
    }

    @Benchmark
    public float sdot8Plain() throws Throwable {
        return (float) plain.invokeExact(8, x, 1, x, 1);
    }

    /** The same dot product in Java, for scale. */
    @Benchmark
    public float sdot8Java() {
        float s = 0;
        for (int i = 0; i < 8; i++) {
            float v = x.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            s += v * v;
        }
        return s;
    }
}
