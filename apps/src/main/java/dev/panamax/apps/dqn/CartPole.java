package dev.panamax.apps.dqn;

import dev.panamax.tensors.Rng;

/**
 * The cart-pole balancing task of Barto, Sutton and Anderson, "Neuronlike adaptive elements that can solve
 * difficult learning control problems" (IEEE Trans. SMC 13(5), 1983): a pole hinged on a cart that moves along a
 * track; each step the agent pushes the cart left or right with a fixed force and earns a reward of 1 while the
 * pole stays within 12 degrees of upright and the cart within 2.4 m of the centre.
 *
 * <p>The equations of motion are the paper's (its appendix, friction terms zero); the constants, the Euler step
 * and the start state are those of OpenAI Gym's {@code CartPole-v0}/{@code v1}: gravity 9.8 m/s², cart mass
 * 1.0 kg, pole mass 0.1 kg, pole half-length 0.5 m, force 10 N, time step 0.02 s (explicit Euler: positions move
 * with the old velocities), failure beyond 12° or ±2.4 m, reward 1 per step (the failing step included), each
 * state variable drawn uniformly from [-0.05, 0.05] at the start. {@code CartPole-v0} ends an episode after 200
 * steps and counts the task solved at an average return of 195 over 100 consecutive episodes.
 *
 * <p>State: {@code (x, ẋ, θ, θ̇)}: cart position (m) and velocity, pole angle from upright (rad, positive
 * clockwise) and angular velocity. Action 0 pushes left, 1 pushes right.
 */
public final class CartPole {
    static final double GRAVITY = 9.8;
    static final double MASS_CART = 1.0;
    static final double MASS_POLE = 0.1;
    static final double TOTAL_MASS = MASS_CART + MASS_POLE;
    /** Half the pole's length: the distance from the hinge to the pole's centre of mass. */
    static final double HALF_LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
    static final double FORCE = 10.0;
    static final double TAU = 0.02;
    static final double THETA_LIMIT = 12 * 2 * Math.PI / 360;
    static final double X_LIMIT = 2.4;
    /** CartPole-v0's episode length and "solved" bar. */
    public static final int MAX_STEPS = 200;
    public static final double SOLVED_AVERAGE = 195;
    public static final int SOLVED_WINDOW = 100;

    /** Observations per state and actions. */
    public static final int STATE_SIZE = 4, ACTIONS = 2;

    private final double[] s = new double[STATE_SIZE];
    private int steps;
    private boolean done = true;

    /** The state after {@link #reset} or {@link #step}: {@code (x, ẋ, θ, θ̇)}. */
    public double[] state() {
        return s.clone();
    }

    /** Starts an episode from a random state near upright at rest; returns it. */
    public double[] reset(Rng rng) {
        for (int i = 0; i < STATE_SIZE; i++) s[i] = -0.05 + 0.1 * rng.nextDouble();
        steps = 0;
        done = false;
        return state();
    }

    /** Starts an episode from {@code state} (tests). */
    void reset(double... state) {
        System.arraycopy(state, 0, s, 0, STATE_SIZE);
        steps = 0;
        done = false;
    }

    /**
     * What one step led to.
     *
     * @param reward    1 for every step taken
     * @param failed    the pole fell past 12° or the cart left the track: the episode ends, and no value follows
     * @param truncated the step limit ended the episode with the pole still up: the state still has a future
     */
    public record Outcome(double reward, boolean failed, boolean truncated) {
        /** The episode is over, by failure or by the step limit. */
        public boolean done() {
            return failed || truncated;
        }
    }

    /** Pushes the cart left (action 0) or right (1) for one time step. */
    public Outcome step(int action) {
        if (done) throw new IllegalStateException("step: the episode is over; call reset first");
        if (action != 0 && action != 1) throw new IllegalArgumentException("action must be 0 (left) or 1 (right), got " + action);
        advance(s, action == 1 ? FORCE : -FORCE);
        steps++;
        boolean failed = s[0] < -X_LIMIT || s[0] > X_LIMIT || s[2] < -THETA_LIMIT || s[2] > THETA_LIMIT;
        boolean truncated = !failed && steps >= MAX_STEPS;
        done = failed || truncated;
        return new Outcome(1.0, failed, truncated);
    }

    /**
     * One Euler step of the equations of motion, in place. Barto et al. (1983), with no friction:
     * <pre>
     * θ̈ = (g sin θ + cos θ · (−F − m l θ̇² sin θ) / (m_c + m)) / (l (4/3 − m cos² θ / (m_c + m)))
     * ẍ = (F + m l (θ̇² sin θ − θ̈ cos θ)) / (m_c + m)
     * </pre>
     */
    static void advance(double[] s, double force) {
        double xDot = s[1], theta = s[2], thetaDot = s[3];
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        s[0] += TAU * xDot;
        s[1] += TAU * xAcc;
        s[2] += TAU * thetaDot;
        s[3] += TAU * thetaAcc;
    }
}
