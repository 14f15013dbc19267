package dev.panamax.cli;

import dev.panamax.ffm.mpi.Mpi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The doctor's line about MPI: which library, and whether this process runs under mpirun. */
final class MpiReport {
    private MpiReport() {}

    static String describe() {
        String launcher = System.getenv("OMPI_COMM_WORLD_SIZE") == null ? "not started by mpirun (one process)"
                : "under mpirun: rank " + System.getenv("OMPI_COMM_WORLD_RANK") + " of " + System.getenv("OMPI_COMM_WORLD_SIZE");
        if (!Mpi.isAvailable()) return "not found: " + Mpi.library().problem();
        try (Arena a = Arena.ofConfined()) {
            // Callable before MPI_Init: asking it does not start MPI.
            MemorySegment version = a.allocate(Mpi.MPI_MAX_LIBRARY_VERSION_STRING), len = a.allocate(ValueLayout.JAVA_INT);
            String v = Mpi.MPI_Get_library_version(version, len) == Mpi.MPI_SUCCESS ? version.getString(0).split(",")[0].trim() : "version unknown";
            return "found at " + Mpi.library().path() + " (" + v + "); " + launcher + "; mpirun -np N ./panamax train ... trains data-parallel";
        }
    }
}
