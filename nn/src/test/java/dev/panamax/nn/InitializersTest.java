package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** The initialisers' spreads match Keras' formulas; the same seed gives the same weights. */
class InitializersTest {
    static double std(Tensor t) {
        return Math.sqrt(t.var(new int[0], false, 0).item());
    }

    @Test
    void spreadsFollowTheFanInAndFanOut() {
        try (MemoryScope s = MemoryScope.open("t")) {
            long in = 300, out = 200;
            Tensor gu = Initializers.create("glorot_uniform", new Rng(1), in, out, in, out);
            assertEquals(Math.sqrt(6.0 / (in + out)) / Math.sqrt(3), std(gu), 0.002);
            assertEquals(Math.sqrt(2.0 / in), std(Initializers.create("he_normal", new Rng(2), in, out, in, out)), 0.003);
            assertEquals(Math.sqrt(1.0 / in), std(Initializers.create("lecun_normal", new Rng(3), in, out, in, out)), 0.003);
            assertEquals(Math.sqrt(6.0 / in) / Math.sqrt(3), std(Initializers.create("he_uniform", new Rng(4), in, out, in, out)), 0.003);
            Tensor tn = Initializers.create("truncated_normal", new Rng(5), in, out, in, out);
            assertTrue(tn.abs().max().item() <= 0.1 + 1e-6, "truncated at two deviations");
            assertEquals(0, Initializers.create("zeros", new Rng(6), 1, 1, 3).abs().sum().item());
            assertTrue(Initializers.create("glorot_uniform", new Rng(9), 4, 4, 4, 4)
                    .allClose(Initializers.create("glorot_uniform", new Rng(9), 4, 4, 4, 4), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> new Dense(3, "relu").kernelInitializer("magic"));
            Sequential m = new Sequential(1).add(new Dense(50, "relu").kernelInitializer("he_normal").biasInitializer("ones")).build(400);
            assertEquals(Math.sqrt(2.0 / 400), std(m.params().get(0).value()), 0.004);
            assertEquals(50, m.params().get(1).value().sum().item(), 0);
        }
    }
}
