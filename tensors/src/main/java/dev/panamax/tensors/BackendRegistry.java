package dev.panamax.tensors;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The backend of each device, found once with {@link ServiceLoader}: the first provider of {@link Backend} per
 * device wins. A device without a provider on the class path gets the interface's host defaults (pure Java, no
 * native library), so a missing accelerator never stops Panamax. A backend that was asked for by name and cannot
 * serve does ({@link BackendRequest}).
 */
final class BackendRegistry {
    private static final Map<Device, Backend> BY_DEVICE = load();

    private BackendRegistry() {}

    private static Map<Device, Backend> load() {
        Map<Device, Backend> m = new EnumMap<>(Device.class);
        for (Backend b : ServiceLoader.load(Backend.class, Backend.class.getClassLoader())) m.putIfAbsent(b.device(), b);
        m.putIfAbsent(Device.CPU, new PureJava());
        return m;
    }

    static Backend of(Device d) {
        BackendRequest.check();
        Backend b = BY_DEVICE.get(d);
        if (b == null) throw new IllegalStateException("no backend for device " + d + " on the class path");
        return b;
    }

    /** The host defaults alone: Vector API kernels and their scalar twins. */
    static final class PureJava implements Backend {
        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public String name() {
            return "java";
        }
    }
}
