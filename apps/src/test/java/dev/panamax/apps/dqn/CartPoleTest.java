package dev.panamax.apps.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.Rng;
import org.junit.jupiter.api.Test;

/** The dynamics against values worked out by hand from Barto et al.'s equations, the limits and the step count. */
class CartPoleTest {
    @Test
    void oneStepFromRestMatchesTheEquations() {
        // From rest, pushed right: temp = F / (m_c + m) = 10 / 1.1; θ̈ = −temp / (l (4/3 − m / 1.1)) = −14.634…;
        // ẍ = temp − m l θ̈ / 1.1 = 9.756…; Euler moves the velocities only.
        CartPole env = new CartPole();
        env.reset(0, 0, 0, 0);
        env.step(1);
        assertArrayEquals(new double[] {0, 0.1951219512195122, 0, -0.2926829268292683}, env.state(), 1e-12);
    }

    @Test
    void oneStepFromAMovingStateMatchesTheEquations() {
        // State (0.01, −0.2, 0.05, 0.3) pushed left, the same equations evaluated in double precision by hand
        // (python, written from the paper, not from this class).
        CartPole env = new CartPole();
        env.reset(0.01, -0.2, 0.05, 0.3);
        env.step(0);
        assertArrayEquals(new double[] {0.006, -0.39579765464396255, 0.056, 0.6080233136061515}, env.state(), 1e-12);
    }

    @Test
    void theEpisodeFailsPastTwelveDegrees() {
        CartPole env = new CartPole();
        env.reset(0, 0, 0.2, 0);  // 11.5°, leaning right; pushing left pulls the cart from under it
        CartPole.Outcome o = env.step(0);
        assertFalse(o.done());
        int steps = 1;
        while (!(o = env.step(0)).done()) steps++;
        assertTrue(o.failed() && !o.truncated());
        assertTrue(env.state()[2] > 12 * Math.PI / 180, "failed at θ = " + env.state()[2]);
        assertTrue(steps < 20);
        assertEquals(1.0, o.reward());
        assertThrows(IllegalStateException.class, () -> env.step(0));
    }

    @Test
    void anEpisodeIsTruncatedAtTwoHundredSteps() {
        // Balancing by hand: push toward the side the pole leans to.
        CartPole env = new CartPole();
        env.reset(new Rng(3));
        CartPole.Outcome o;
        int steps = 0;
        do {
            double[] s = env.state();
            o = env.step(s[2] + 0.5 * s[3] > 0 ? 1 : 0);
            steps++;
        } while (!o.done());
        assertEquals(CartPole.MAX_STEPS, steps);
        assertTrue(o.truncated() && !o.failed());
    }

    @Test
    void aRandomPolicyLastsAboutTwentyTwoSteps() {
        double avg = DqnTraining.randomPolicyAverage(1000, 1);
        assertTrue(avg > 18 && avg < 26, "random policy average " + avg);
    }

    @Test
    void badActionsAreRefused() {
        CartPole env = new CartPole();
        env.reset(new Rng(1));
        assertThrows(IllegalArgumentException.class, () -> env.step(2));
    }
}
