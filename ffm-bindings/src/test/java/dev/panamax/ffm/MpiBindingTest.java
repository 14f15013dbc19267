package dev.panamax.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.mpi.Mpi;
import dev.panamax.ffm.testing.CHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each Open MPI binding's descriptor against the prototype in the installed {@code mpi.h}; the handles against its macros. */
class MpiBindingTest {
    static final Path HEADER = Path.of("/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h");
    /** Open MPI's handles are pointers to opaque structs ({@code typedef struct ompi_communicator_t *MPI_Comm}). */
    static final Map<String, MemoryLayout> TYPEDEFS = Map.of(
            "MPI_Comm", ValueLayout.ADDRESS, "MPI_Datatype", ValueLayout.ADDRESS, "MPI_Op", ValueLayout.ADDRESS);

    static void assumeHeader() {
        assumeTrue(Files.exists(HEADER) || System.getenv("CI") != null,
                "mpi.h not installed (apt-get install libopenmpi-dev); .ci/run installs it");
    }

    @Test
    void everyBindingMatchesItsPrototype() throws Exception {
        assumeHeader();
        CHeader h = CHeader.read(HEADER, "OMPI_DECLSPEC");
        Map<String, FunctionDescriptor> bindings = new TreeMap<>();
        for (Field f : Mpi.class.getFields()) {
            if (f.getName().endsWith("$DESC")) bindings.put(f.getName().replace("$DESC", ""), (FunctionDescriptor) f.get(null));
        }
        assertEquals(13, bindings.size(), bindings.keySet().toString());
        for (var e : bindings.entrySet()) {
            // The constant's name is the C name upper-cased: find the declaration whose upper-cased name matches.
            String cName = cName(e.getKey());
            CHeader.Prototype p = h.prototype(cName).orElseThrow(() -> new AssertionError(cName + " not in mpi.h"));
            assertEquals(p.descriptor(TYPEDEFS), e.getValue(), cName + " declared as " + p);
        }
    }

    /** MPI_INIT_THREAD -> MPI_Init_thread: the C names capitalise only the first letter after {@code MPI_}. */
    static String cName(String constant) {
        String rest = constant.substring("MPI_".length()).toLowerCase(Locale.ROOT);
        return "MPI_" + Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
    }

    @Test
    void handlesAreTheSymbolsMpiHNames() throws Exception {
        assumeHeader();
        String text = Files.readString(HEADER);
        // mpi.h: #define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL( MPI_Comm, ompi_mpi_comm_world)
        for (String[] pair : new String[][] {{"MPI_COMM_WORLD", "ompi_mpi_comm_world"}, {"MPI_FLOAT", "ompi_mpi_float"},
                {"MPI_DOUBLE", "ompi_mpi_double"}, {"MPI_INT", "ompi_mpi_int"}, {"MPI_BYTE", "ompi_mpi_byte"},
                {"MPI_SUM", "ompi_mpi_op_sum"}, {"MPI_MAX", "ompi_mpi_op_max"}}) {
            assertTrue(text.matches("(?s).*#define " + pair[0] + "\\s+OMPI_PREDEFINED_GLOBAL\\(\\s*\\w+,\\s*" + pair[1] + "\\).*"),
                    pair[0] + " is not " + pair[1] + " in mpi.h");
        }
        assertTrue(text.matches("(?s).*#define MPI_IN_PLACE\\s+\\(\\(void \\*\\) 1\\).*"), "MPI_IN_PLACE");
        assertTrue(text.matches("(?s).*MPI_THREAD_SINGLE,\\s*MPI_THREAD_FUNNELED,\\s*MPI_THREAD_SERIALIZED,\\s*MPI_THREAD_MULTIPLE.*"), "thread levels");
        assertTrue(text.matches("(?s).*#define MPI_MAX_LIBRARY_VERSION_STRING\\s+" + Mpi.MPI_MAX_LIBRARY_VERSION_STRING + "\\b.*"), "version length");
        assertTrue(text.matches("(?s).*#define MPI_SUCCESS\\s+" + Mpi.MPI_SUCCESS + "\\b.*"), "MPI_SUCCESS");
        if (Mpi.isAvailable()) {
            for (MemorySegment handle : new MemorySegment[] {Mpi.MPI_COMM_WORLD(), Mpi.MPI_FLOAT(), Mpi.MPI_DOUBLE(), Mpi.MPI_INT(),
                    Mpi.MPI_BYTE(), Mpi.MPI_SUM(), Mpi.MPI_MAX()}) {
                assertTrue(handle.address() != 0);
            }
        }
    }

    @Test
    void theLibraryNamesItselfBeforeInit() {
        assumeTrue(Mpi.isAvailable() || System.getenv("CI") != null, "Open MPI not installed (apt-get install openmpi-bin libopenmpi-dev)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(Mpi.MPI_MAX_LIBRARY_VERSION_STRING);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(Mpi.MPI_SUCCESS, Mpi.MPI_Get_library_version(version, len));
            String v = version.getString(0);
            assertTrue(v.startsWith("Open MPI v4"), v);
            assertTrue(len.get(ValueLayout.JAVA_INT, 0) >= v.length(), "resultlen counts the string");
        }
    }
}
