package dev.panamax.tensors.testing;

import dev.panamax.tensors.memory.Memory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any test that leaves Arrow memory allocated: live tensors, open scopes or unclosed Arrow vectors.
 * The check is against what was allocated before the test, so one leaking test does not fail the rest.
 * Registered for every test through {@code META-INF/services} and JUnit's extension autodetection (each
 * module's {@code junit-platform.properties} turns it on); other modules get it from the tensors test-jar.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("baseline", Memory.snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Memory.Snapshot baseline = context.getStore(NS).get("baseline", Memory.Snapshot.class);
        Memory.checkNoLeaksSince(baseline);
    }
}
