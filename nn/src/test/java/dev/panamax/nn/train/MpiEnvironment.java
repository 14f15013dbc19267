package dev.panamax.nn.train;

import java.util.Map;

/** What the tests' mpirun needs in a container: running as root, and shared-memory transfers without ptrace. */
final class MpiEnvironment {
    static final Map<String, String> VARIABLES = Map.of(
            "OMPI_ALLOW_RUN_AS_ROOT", "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1",
            // Containers often forbid the cross-process reads (CMA) Open MPI's shared-memory transport tries first.
            "OMPI_MCA_btl_vader_single_copy_mechanism", "none",
            "OMPI_MCA_btl", "self,vader");

    private MpiEnvironment() {}
}
