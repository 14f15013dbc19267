package dev.panamax.kernels;

/**
 * Whether the Vector API kernels run, decided once per JVM.
 *
 * <p>They run when the {@code jdk.incubator.vector} module is in the boot layer and
 * {@code -Dpanamax.simd=0} was not given. Otherwise every kernel takes its scalar reference path, which is
 * correct but several times slower; {@code panamax doctor} warns about it. Classes that touch
 * {@code jdk.incubator.vector} are only loaded when {@link #ENABLED} is true, so the scalar path works even
 * where the module is missing.
 */
public final class Simd {
    /** True when the incubator module is loaded. */
    public static final boolean MODULE_PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** True when the vector kernels are used. */
    public static final boolean ENABLED = MODULE_PRESENT && !"0".equals(Settings.get("panamax.simd", null));

    static {
        // Once per JVM, the first time any kernel runs: an embedding application otherwise never learns why it is slow.
        if (!MODULE_PRESENT) {
            System.getLogger(Simd.class.getName()).log(System.Logger.Level.WARNING,
                    "Panamax: module jdk.incubator.vector is not loaded, so its kernels run on their scalar path (several "
                            + "times slower); add --add-modules=jdk.incubator.vector to the java command");
        }
    }

    private Simd() {}

    /** True when all three segments are off-heap, the only kind the vector kernels are given. */
    static boolean native3(java.lang.foreign.MemorySegment a, java.lang.foreign.MemorySegment b,
                           java.lang.foreign.MemorySegment c) {
        return a.isNative() && b.isNative() && c.isNative();
    }

    /** Lane count of the preferred float species, or 1 on the scalar path. */
    public static int floatLanes() {
        return ENABLED ? VectorShapes.floatLanes() : 1;
    }

    /** A human-readable description, e.g. {@code "512-bit (16 x f32)"}, or why vectors are off. */
    public static String describe() {
        if (!MODULE_PRESENT) {
            return "OFF: module jdk.incubator.vector is not loaded (add --add-modules=jdk.incubator.vector)";
        }
        if (!ENABLED) {
            return "OFF: disabled by -Dpanamax.simd=0";
        }
        return VectorShapes.describe();
    }
}
