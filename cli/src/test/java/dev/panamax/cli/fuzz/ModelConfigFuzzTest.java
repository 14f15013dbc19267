package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;

/** A saved model's {@code config.json} fuzzed beside valid weights; seed: the config of the same small model. */
class ModelConfigFuzzTest {
    private static Path dir;

    @FuzzTest(maxDuration = "10s")
    void config(byte[] bytes) throws Exception {
        if (dir == null) {
            dir = UserErrors.file("unused", new byte[0]).getParent().resolve("model");
            try (MemoryScope s = MemoryScope.open("save"); Sequential m = new Sequential(1).add(new Dense(3, "relu")).add(new Dense(2, "softmax"))) {
                ModelIo.save(m.build(4), dir);
            }
        }
        Files.write(dir.resolve(ModelIo.CONFIG), bytes);
        try (MemoryScope s = MemoryScope.open("fuzz")) {
            UserErrors.allowOnlyOneLineErrors(() -> {
                try (Sequential m = ModelIo.load(dir)) {
                    m.paramCount();
                }
            });
        }
    }
}
