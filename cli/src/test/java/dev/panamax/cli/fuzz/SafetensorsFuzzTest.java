package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.nn.io.Safetensors;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;

/** The safetensors reader on fuzzed bytes; seed: a file of two small tensors. */
class SafetensorsFuzzTest {
    private static Path file;

    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] bytes) throws Exception {
        if (file == null) file = UserErrors.file("model.safetensors", bytes);
        else Files.write(file, bytes);
        try (MemoryScope s = MemoryScope.open("fuzz")) {
            UserErrors.allowOnlyOneLineErrors(() -> Safetensors.read(file).values().forEach(Tensor::close));
        }
    }
}
