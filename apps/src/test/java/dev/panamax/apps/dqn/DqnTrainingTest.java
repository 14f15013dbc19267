package dev.panamax.apps.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A short run learns to balance far longer than a random policy, and the same seed gives the same run. */
class DqnTrainingTest {
    /** The quick run cut to 150 episodes: seconds, not minutes. */
    static DqnTraining.Options quick(long seed) {
        return DqnTraining.Options.builder().quick().maxEpisodes(150).seed(seed).build();
    }

    @Test
    void aShortRunBeatsARandomPolicy() {
        DqnTraining.Result r = DqnTraining.run(quick(42), DqnTraining.Listener.NONE);
        double random = DqnTraining.randomPolicyAverage(100, 42);
        double last50 = DqnTraining.average(r.returns(), 50), first50 = r.returns().subList(0, 50).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("dqn quick: %d episodes, %d steps, %.1f s, first 50 average %.1f, last 50 %.1f, random %.1f%n", r.episodes(), r.steps(),
                r.wallSeconds(), first50, last50, random);
        assertTrue(last50 > 3 * random, "the last 50 episodes average " + last50 + ", a random policy " + random);
        assertTrue(first50 < 2 * random, "the first 50 (mostly random) episodes average " + first50);
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        DqnTraining.Options o = DqnTraining.Options.builder().maxEpisodes(30).learningStarts(200).seed(7).build();
        assertEquals(DqnTraining.run(o, DqnTraining.Listener.NONE).returns(), DqnTraining.run(o, DqnTraining.Listener.NONE).returns());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DqnTraining.Options.builder().gamma(1.0).build());
        assertThrows(IllegalArgumentException.class, () -> DqnTraining.Options.builder().maxEpisodes(0).build());
    }
}
