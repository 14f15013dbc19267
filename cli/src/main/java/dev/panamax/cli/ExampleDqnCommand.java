package dev.panamax.cli;

import dev.panamax.apps.dqn.CartPole;
import dev.panamax.apps.dqn.DqnTraining;
import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax example dqn}: deep Q-learning on CartPole until it is solved (dev.panamax.apps.dqn). */
@Command(name = "dqn", description = {"Deep Q-learning on CartPole (Barto, Sutton & Anderson 1983; Gym's CartPole-v0 constants),",
        "until the last 100 episodes average 195 or more; writes metrics.json and returns.png."})
final class ExampleDqnCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out/dqn", description = "Where to write metrics.json and returns.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--episodes", defaultValue = "1000", description = "Episodes at most (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, exploration, replay and start states (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--hidden", defaultValue = "64", description = "Units in each of the two hidden layers (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--target-update", defaultValue = "500", description = "Steps between copies into the target network (default: ${DEFAULT-VALUE}).")
    int targetUpdate;

    @Option(names = "--tau", defaultValue = "0", description = "Soft target update rate; 0: hard copies every --target-update steps (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--batch-size", defaultValue = "64", description = "Transitions per training step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--gamma", defaultValue = "0.99", description = "Discount factor (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--train-every", defaultValue = "4", description = "Environment steps per training step (default: ${DEFAULT-VALUE}).")
    int trainEvery;

    @Option(names = "--buffer", defaultValue = "50000", description = "Replay buffer capacity (default: ${DEFAULT-VALUE}).")
    int buffer;

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--quick", description = "A short run: 200 episodes, learning from step 500 at every step, ε decaying over 4,000 steps.")
    boolean quick;

    @Option(names = "--keep-going", description = "Play every --episodes instead of stopping once solved.")
    boolean keepGoing;

    @Override
    public Integer call() throws IOException {
        if (threads != null) System.setProperty("panamax.threads", Integer.toString(threads));
        DqnTraining.Builder b = DqnTraining.Options.builder().seed(seed).maxEpisodes(episodes).stopWhenSolved(!keepGoing)
                .lr(lr).hidden(hidden).targetUpdate(targetUpdate).tau(tau).batch(batchSize).gamma(gamma).trainEvery(trainEvery).bufferSize(buffer);
        if (quick) b.quick();
        DqnTraining.Options o = b.build();
        DqnTraining.Result r = DqnTraining.run(o, (episode, ret, average, epsilon) -> {
            if (episode % 10 == 0) System.out.printf(Locale.ROOT, "episode %4d  return %5.0f  last-100 average %6.1f  ε %.3f%n", episode, ret, average, epsilon);
        });
        double random = DqnTraining.randomPolicyAverage(CartPole.SOLVED_WINDOW, seed);
        System.out.printf(Locale.ROOT, "%s after %d episodes (%,d steps, %.1f s): best 100-episode average %.1f; a random policy averages %.1f%n",
                r.solvedAt() > 0 ? "Solved" : "Not solved", r.episodes(), r.steps(), r.wallSeconds(), r.bestAverage100(), random);
        Files.createDirectories(out);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("average_return_100", r.bestAverage100());
        metrics.put("episodes", r.episodes());
        metrics.put("solved_at_episode", r.solvedAt());
        metrics.put("steps", r.steps());
        metrics.put("wall_seconds", r.wallSeconds());
        metrics.put("random_policy_average", random);
        metrics.put("seed", seed);
        metrics.put("returns", r.returns());
        AtomicFiles.write(out.resolve("metrics.json"), Reports.json(metrics));
        plot(out.resolve("returns.png"), r.returns());
        System.out.println("Wrote " + out.resolve("metrics.json") + " and " + out.resolve("returns.png"));
        return 0;
    }

    private static void plot(Path png, List<Double> returns) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title("DQN on CartPole-v0").xAxisTitle("episode").yAxisTitle("return").build();
        double[] x = IntStream.rangeClosed(1, returns.size()).asDoubleStream().toArray();
        chart.addSeries("return", x, returns.stream().mapToDouble(Double::doubleValue).toArray()).setMarker(SeriesMarkers.NONE);
        List<Double> avg = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < returns.size(); i++) {
            sum += returns.get(i);
            if (i >= CartPole.SOLVED_WINDOW) sum -= returns.get(i - CartPole.SOLVED_WINDOW);
            avg.add(sum / Math.min(i + 1, CartPole.SOLVED_WINDOW));
        }
        chart.addSeries("mean of the last 100", x, avg.stream().mapToDouble(Double::doubleValue).toArray()).setMarker(SeriesMarkers.NONE);
        chart.addSeries("solved (195)", new double[] {1, Math.max(2, returns.size())}, new double[] {CartPole.SOLVED_AVERAGE, CartPole.SOLVED_AVERAGE})
                .setMarker(SeriesMarkers.NONE);
        Reports.save(png, chart);
    }
}
