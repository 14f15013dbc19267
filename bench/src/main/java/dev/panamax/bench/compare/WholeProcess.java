package dev.panamax.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@value #WORKLOAD} rows: {@code ./panamax train mnist} and its PyTorch twin ({@code bench/python/train_mnist.py})
 * as whole processes under GNU time's {@code -v}, which reports each one's wall time, CPU time and peak resident
 * memory, start-up, data loading and test evaluations included: what a user of either sees, not a step in a warm loop.
 */
final class WholeProcess {
    /** The workload's name. */
    static final String WORKLOAD = "mnist-process";

    /** GNU time; {@code -v} prints the peak resident set, which the shell's {@code time} does not. */
    static final Path GNU_TIME = Path.of("/usr/bin/time");

    private static final Pattern ACCURACY = Pattern.compile("Test accuracy (\\d+\\.\\d+)");
    private static final Pattern PEAK_KB = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern USER = Pattern.compile("User time \\(seconds\\): (\\d+(?:\\.\\d+)?)");
    private static final Pattern SYSTEM = Pattern.compile("System time \\(seconds\\): (\\d+(?:\\.\\d+)?)");
    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (?:(\\d+):)?(\\d+):(\\d+(?:\\.\\d+)?)");

    private WholeProcess() {}

    /** {@code ./panamax train mnist} on the harness's MNIST files, into a fresh folder, with {@code threads} kernel threads. */
    static List<String> panamax(Path home, Path inputs, Path out, int threads, int epochs) throws IOException {
        return timed(List.of(home.resolve("panamax").toString(), "train", "mnist", "--epochs", Integer.toString(epochs),
                "--data", mnistDir(inputs).toString(), "--out", out.toString(), "--overwrite", "--threads", Integer.toString(threads)));
    }

    /** The PyTorch twin, from the same initial weights as {@code train mnist}'s default seed. */
    static List<String> pytorch(Path python, Path script, Path inputs, Path out, int threads, int epochs) throws IOException {
        return timed(List.of(python.toString(), script.toString(), "--inputs", inputs.toString(), "--threads", Integer.toString(threads),
                "--epochs", Integer.toString(epochs), "--out", out.toString()));
    }

    private static List<String> timed(List<String> command) throws IOException {
        if (!Files.isExecutable(GNU_TIME)) {
            throw new IOException(WORKLOAD + " needs GNU time at " + GNU_TIME + " for each process's peak memory: apt-get install time");
        }
        List<String> cmd = new ArrayList<>(List.of(GNU_TIME.toString(), "-v"));
        cmd.addAll(command);
        return cmd;
    }

    /** The folder of the MNIST files the harness's {@code data.json} names. */
    private static Path mnistDir(Path inputs) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, String> files = new ObjectMapper().readValue(inputs.resolve(CompareInputs.DATA).toFile(), Map.class);
        return Path.of(files.get("train_images")).getParent();
    }

    /**
     * The run's figures from what the process printed (its accuracy line) and GNU time's report: {@code value} the wall
     * seconds, {@code check} the test accuracy, {@code peak_rss_mb} and {@code cpu_seconds} (user + system).
     *
     * @throws IOException naming what is missing, when either output lacks a figure
     */
    static Map<String, Object> result(String stdout, String timeReport) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        MatchResult wall = find(WALL, timeReport, "wall time");
        double hours = wall.group(1) == null ? 0 : Double.parseDouble(wall.group(1));
        r.put("value", hours * 3600 + Double.parseDouble(wall.group(2)) * 60 + Double.parseDouble(wall.group(3)));
        r.put("check", Double.parseDouble(find(ACCURACY, stdout, "\"Test accuracy\" line").group(1)));
        r.put("peak_rss_mb", Double.parseDouble(find(PEAK_KB, timeReport, "peak resident set size").group(1)) / 1024);
        r.put("cpu_seconds", Double.parseDouble(find(USER, timeReport, "user time").group(1))
                + Double.parseDouble(find(SYSTEM, timeReport, "system time").group(1)));
        return r;
    }

    /** The last match: the final accuracy line comes after the per-epoch ones. */
    private static MatchResult find(Pattern p, String text, String what) throws IOException {
        Matcher m = p.matcher(text);
        MatchResult last = null;
        while (m.find()) last = m.toMatchResult();
        if (last == null) throw new IOException(WORKLOAD + ": no " + what + " in the process's output");
        return last;
    }
}
