package dev.panamax.nn.dist;

import dev.panamax.ffm.mpi.Mpi;

/** Decides once per process which {@link Collective} it was started in. */
final class World {
    private static volatile Collective world;

    private World() {}

    static Collective get() {
        Collective w = world;
        if (w != null) return w;
        synchronized (World.class) {
            if (world == null) world = detect();
            return world;
        }
    }

    /**
     * Open MPI's {@code mpirun} gives every process it starts {@code OMPI_COMM_WORLD_SIZE}; more than one means a
     * distributed run, which needs the MPI library. Without {@code mpirun} (or with {@code -np 1}) MPI is never loaded.
     */
    private static Collective detect() {
        int size = worldSizeFromLauncher();
        if (size <= 1) return SingleProcess.INSTANCE;
        if (!Mpi.isAvailable()) {
            throw new IllegalStateException("this process was started by mpirun with " + size + " processes, but "
                    + Mpi.library().problem());
        }
        return MpiCollective.start();
    }

    /** The number of processes {@code mpirun} started, 1 when it did not start this one. */
    static int worldSizeFromLauncher() {
        String s = System.getenv("OMPI_COMM_WORLD_SIZE");
        if (s == null || s.isBlank()) return 1;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("OMPI_COMM_WORLD_SIZE is '" + s + "', not a number: start Panamax with mpirun -np N");
        }
    }
}
