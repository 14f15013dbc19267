package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.data.Idx;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;

/** The IDX reader (MNIST's format) on fuzzed bytes; seeds: a tiny image file and a label file. */
class IdxFuzzTest {
    private static Path file;

    @FuzzTest(maxDuration = "10s")
    void idx(byte[] bytes) throws Exception {
        if (file == null) file = UserErrors.file("fuzz-idx3-ubyte", bytes);
        else Files.write(file, bytes);
        try (MemoryScope s = MemoryScope.open("fuzz")) {
            UserErrors.allowOnlyOneLineErrors(() -> Idx.read(file).close());
        }
    }
}
