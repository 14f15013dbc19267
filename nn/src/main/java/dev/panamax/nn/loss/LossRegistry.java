package dev.panamax.nn.loss;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The losses registered with {@link Loss#register}: an interface cannot hold mutable state of its own. */
final class LossRegistry {
    static final Map<String, Loss.Factory> REGISTERED = new ConcurrentHashMap<>();

    private LossRegistry() {}
}
