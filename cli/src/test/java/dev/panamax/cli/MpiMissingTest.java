package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed run on a machine without Open MPI: the child looks as mpirun's (its environment says 2 processes)
 * and looks for the library under a name no machine has, as on a machine where it is not installed. It must stop
 * with one line that says what to install, and no stack trace.
 */
class MpiMissingTest {
    @Test
    void aDistributedRunWithoutMpiSaysWhatToInstallInOneLine(@TempDir Path dir) throws Exception {
        Path data = TinyMnist.write(dir.resolve("mnist"), 48, 20);
        Process p = TrainProcess.start(Map.of("OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_RANK", "0"),
                List.of("-Dpanamax.mpi.names=libpanamax-test-no-such-mpi.so.40"),
                "train", "mnist", "--data", data.toString(), "--out", dir.resolve("out").toString(), "--epochs", "1");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), out);
        assertTrue(p.exitValue() != 0, "a distributed run without MPI must fail:\n" + out);
        // The JVM's own notice of the incubating Vector API is not Panamax's output.
        List<String> lines = out.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), "expected one line:\n" + out);
        assertTrue(lines.getFirst().startsWith("panamax train: this process was started by mpirun with 2 processes, but "), out);
        assertTrue(lines.getFirst().contains("Open MPI not found (tried libpanamax-test-no-such-mpi.so.40")
                && lines.getFirst().contains("install Open MPI (apt-get install openmpi-bin libopenmpi-dev)"), out);
    }
}
