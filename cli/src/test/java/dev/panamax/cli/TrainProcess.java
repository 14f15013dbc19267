package dev.panamax.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code panamax} in a child JVM (this JVM's class path and flags), for tests that kill it with SIGKILL: the
 * child's output is read line by line until a line the test waits for.
 */
final class TrainProcess {
    private TrainProcess() {}

    /** Starts {@code panamax args} with {@code properties} ("-Dname=value") added; output and errors merged. */
    static Process start(List<String> properties, String... args) throws IOException {
        return start(Map.of(), properties, args);
    }

    /** {@link #start(List, String...)} with {@code env} added to the child's environment. */
    static Process start(Map<String, String> env, List<String> properties, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--") || a.startsWith("-Darrow") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.add("-Dpanamax.threads=1");
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Reads the child's output until a line matches {@code when}, then kills it with SIGKILL (no shutdown hooks,
     * no finally blocks: as {@code kill -9}) and waits for it to end. Returns the output read; fails if the child
     * ends first.
     */
    static String killWhen(Process p, Predicate<String> when) throws IOException, InterruptedException {
        StringBuilder seen = new StringBuilder();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (when.test(line)) {
                p.destroyForcibly();  // SIGKILL on Linux
                if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the child did not die");
                return seen.toString();
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("the child ended (exit " + p.exitValue() + ") before the line awaited:\n" + seen);
    }

    /** Waits for the child to finish and returns its output; fails unless it exits with 0. */
    static String finish(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) throw new AssertionError("timed out:\n" + out);
        if (p.exitValue() != 0) throw new AssertionError("exit " + p.exitValue() + ":\n" + out);
        return out;
    }
}
