package dev.panamax.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every workload in Panamax and in PyTorch, each run in a fresh process (so peak memory is the process's
 * own), alternating the two (A B A B ...) for several rounds so that drift in a noisy machine hits both sides.
 * PyTorch gets its best settings: passive OpenMP waiting, glibc keeping freed memory mapped, and, per workload,
 * whichever of 1 or {@code threads} torch threads the first round found faster.
 */
public final class Compare {
    /**
     * @param python      the Python to run {@code workerScript} with, or null to run Panamax alone
     * @param javaCommand the command that starts a Panamax worker JVM (java, flags, class path), worker args follow
     * @param ortCommand  the command that starts an ONNX Runtime worker JVM ({@link #ortJavaCommand}), or null to run the
     *                    ONNX Runtime rows for Panamax alone
     */
    public record Options(boolean quick, int threads, int rounds, List<Workload> workloads, Path inputs, List<String> javaCommand,
                          Path python, Path workerScript, Path logDir, List<String> ortCommand) {
        /** {@return the Panamax folder, where the launcher is: the worker script sits in its bench/python} */
        Path home() {
            return workerScript.toAbsolutePath().getParent().getParent().getParent();
        }
    }

    /** Called before each run, for progress display. */
    public interface Listener {
        void onRun(int index, int total, String description);
    }

    /**
     * One process's report: {@code value} in the workload's unit, the {@code check} both sides must agree on; for
     * generation the first token's latency, the smallest gap between the two largest logits of any greedy choice
     * (NaN where the worker does not report it) and which of PyTorch's loops gave {@code value} (null for Panamax).
     */
    public record Run(double value, double check, double p99, double peakRssMb, double numpy, int threads, double firstTokenMs,
                      double minMargin, String variant, double cpuSeconds) {}

    /** Every run of one workload. */
    public record Measured(Workload workload, List<Run> panamax, List<Run> pytorch, String pytorchNote) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Panamax's settings for the measured process: tensors live off-heap, so a small heap with the serial
     * collector and a small young generation is enough and keeps the JVM's own footprint down (G1 sizes its
     * heap from the machine's memory; an eden of hundreds of MB is resident before its first collection).
     */
    public static final List<String> WORKER_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xmn24m");
    private final Options options;

    public Compare(Options options) {
        this.options = options;
    }

    /** The command that starts a worker JVM like this one: same java, same JVM flags, same class path. */
    public static List<String> currentJavaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Dpanamax.threads") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")
                    && !arg.startsWith("-Xmx") && !arg.startsWith("-XX:+Use")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(WORKER_JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PanamaxWorker.class.getName());
        return cmd;
    }

    /**
     * The command that starts an {@link OrtWorker}: like {@link #currentJavaCommand()}, with ONNX Runtime's jar (not
     * part of the bench jar: 54 MB with its native library) on the class path.
     */
    public static List<String> ortJavaCommand(Path ortJar) {
        List<String> cmd = new ArrayList<>(currentJavaCommand());
        cmd.set(cmd.size() - 2, cmd.get(cmd.size() - 2) + java.io.File.pathSeparator + ortJar);
        cmd.set(cmd.size() - 1, OrtWorker.class.getName());
        return cmd;
    }

    /** What each side runs on (JDK and kernels; PyTorch version, BLAS, oneDNN), from its own process. */
    public Map<String, Map<String, Object>> describe() throws IOException {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("panamax", parse(exec(panamaxCommand(List.of("describe")), javaEnv(), "panamax-describe")));
        if (options.python() != null && options.workloads().stream().anyMatch(w -> w.opponent() == Workload.Opponent.PYTORCH)) {
            d.put("pytorch", parse(exec(pythonCommand("describe", options.threads(), 0, 0), pythonEnv(options.threads()), "pytorch-describe")));
        }
        if (options.ortCommand() != null && options.workloads().stream().anyMatch(w -> w.opponent() == Workload.Opponent.ONNXRUNTIME)) {
            List<String> cmd = new ArrayList<>(options.ortCommand());
            cmd.add("describe");
            d.put("onnxruntime", parse(exec(cmd, javaEnv(), "onnxruntime-describe")));
        }
        return d;
    }

    public List<Measured> run(Listener listener) throws IOException {
        int total = 0, index = 0;
        for (Workload w : options.workloads()) total += options.rounds() * (hasOpponent(w) ? 2 : 1) + (hasOpponent(w) && options.threads() > 1 ? 1 : 0);
        List<Measured> out = new ArrayList<>();
        for (Workload w : options.workloads()) {
            boolean py = hasOpponent(w);
            String who = w.opponent().label();
            List<Run> pan = new ArrayList<>(), torch = new ArrayList<>();
            int torchThreads = options.threads();
            String note = null;
            for (int round = 0; round < options.rounds(); round++) {
                listener.onRun(index++, total, w.name() + " panamax, round " + (round + 1));
                pan.add(panamax(w));
                if (!py) continue;
                if (round == 0 && options.threads() > 1) {
                    // The other side's fastest thread count differs by workload on small machines: try both, keep the better.
                    listener.onRun(index++, total, w.name() + " " + who + ", 1 thread (probe)");
                    Run one = pytorch(w, 1);
                    listener.onRun(index++, total, w.name() + " " + who + ", " + options.threads() + " threads (probe)");
                    Run many = pytorch(w, options.threads());
                    boolean oneBetter = w.higherIsBetter() ? one.value() > many.value() : one.value() < many.value();
                    torchThreads = oneBetter ? 1 : options.threads();
                    torch.add(oneBetter ? one : many);
                    note = String.format(java.util.Locale.ROOT, "%s at %d thread(s): probe gave %.4g with 1, %.4g with %d", who,
                            torchThreads, one.value(), many.value(), options.threads());
                } else {
                    listener.onRun(index++, total, w.name() + " " + who + ", round " + (round + 1));
                    torch.add(pytorch(w, torchThreads));
                }
            }
            out.add(new Measured(w, pan, torch, note));
        }
        return out;
    }

    private Run panamax(Workload w) throws IOException {
        if (w.name().equals(WholeProcess.WORKLOAD)) {
            List<String> cmd = WholeProcess.panamax(options.home(), options.inputs(), processOut().resolve("panamax"), options.threads(),
                    w.steps(options.quick()));
            return wholeProcess(cmd, javaEnv(), w.name() + "-panamax", options.threads());
        }
        List<String> args = List.of(w.name(), options.inputs().toString(), Integer.toString(w.warmup(options.quick())),
                Integer.toString(w.steps(options.quick())));
        return run(parse(exec(panamaxCommand(args), javaEnv(), w.name() + "-panamax")), options.threads());
    }

    private boolean hasOpponent(Workload w) {
        return w.opponent() == Workload.Opponent.ONNXRUNTIME ? options.ortCommand() != null : options.python() != null;
    }

    /** One run of the other side: PyTorch's Python worker, or ONNX Runtime's JVM for its rows. */
    private Run pytorch(Workload w, int threads) throws IOException {
        if (w.opponent() == Workload.Opponent.ONNXRUNTIME) {
            List<String> cmd = new ArrayList<>(options.ortCommand());
            cmd.addAll(List.of(w.name(), Integer.toString(threads), Integer.toString(w.warmup(options.quick())),
                    Integer.toString(w.steps(options.quick()))));
            return run(parse(exec(cmd, javaEnv(), w.name() + "-onnxruntime-" + threads + "t")), threads);
        }
        if (w.name().equals(WholeProcess.WORKLOAD)) {
            List<String> cmd = WholeProcess.pytorch(options.python(), options.workerScript().resolveSibling("train_mnist.py"), options.inputs(),
                    processOut().resolve("pytorch.pt"), threads, w.steps(options.quick()));
            return wholeProcess(cmd, pythonEnv(threads), w.name() + "-pytorch-" + threads + "t", threads);
        }
        List<String> cmd = pythonCommand(w.name(), threads, w.warmup(options.quick()), w.steps(options.quick()));
        return run(parse(exec(cmd, pythonEnv(threads), w.name() + "-pytorch-" + threads + "t")), threads);
    }

    /** One whole process under GNU time: its figures come from its accuracy line and time's report at the end of its log. */
    private Run wholeProcess(List<String> cmd, Map<String, String> env, String logName, int threads) throws IOException {
        String stdout = execAll(cmd, env, logName);
        return run(WholeProcess.result(stdout, Files.readString(options.logDir().resolve(logName + ".log"))), threads);
    }

    /** Where the whole-process rows' runs write their models (each run overwrites the last). */
    private Path processOut() throws IOException {
        return Files.createDirectories(options.logDir().resolveSibling(WholeProcess.WORKLOAD));
    }

    private List<String> panamaxCommand(List<String> args) {
        List<String> cmd = new ArrayList<>(options.javaCommand());
        cmd.add(cmd.size() - 3, "-Dpanamax.threads=" + options.threads());  // before -cp CLASSPATH MAIN
        cmd.addAll(args);
        return cmd;
    }

    private List<String> pythonCommand(String workload, int threads, int warmup, int steps) {
        return List.of(options.python().toString(), options.workerScript().toString(), workload, "--inputs",
                options.inputs().toString(), "--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup),
                "--steps", Integer.toString(steps));
    }

    /** Both sides get OpenBLAS's own choice of kernel: the harness's runs never inherit a forced core type. */
    private static Map<String, String> javaEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPENBLAS_CORETYPE", null);
        env.put("OPENBLAS_L2_SIZE", null);
        return env;
    }

    /** PyTorch's best settings on this kind of machine (see the README's comparison section). */
    static Map<String, String> pythonEnv(int threads) {
        Map<String, String> env = javaEnv();
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        // glibc: keep freed memory mapped instead of returning it (page faults are expensive on VMs).
        env.put("MALLOC_MMAP_THRESHOLD_", "33554432");
        env.put("MALLOC_TRIM_THRESHOLD_", "4294967296");
        env.put("MALLOC_TOP_PAD_", "268435456");
        return env;
    }

    /** The last line the command printed on stdout (a worker's JSON object). */
    private String exec(List<String> cmd, Map<String, String> env, String logName) throws IOException {
        String[] lines = execAll(cmd, env, logName).strip().split("\n");
        return lines[lines.length - 1];
    }

    /** Runs the command, stderr into its log; returns everything it printed on stdout. */
    private String execAll(List<String> cmd, Map<String, String> env, String logName) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        Files.createDirectories(options.logDir());
        Path log = options.logDir().resolve(logName + ".log");
        pb.redirectError(log.toFile());
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(logName + ": no answer after 30 minutes; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(logName + ": interrupted");
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            String tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
            throw new IOException(logName + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd.subList(0, Math.min(cmd.size(), 2)))
                    + " ...\n  " + tail + "\n  full log: " + log);
        }
        return stdout;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) throws IOException {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new IOException("a worker printed something that is not a JSON object: " + json);
        }
    }

    private static Run run(Map<String, Object> m, int threads) {
        return new Run(number(m, "value"), number(m, "check"), number(m, "p99"), number(m, "peak_rss_mb"), number(m, "numpy"), threads,
                number(m, "first_token_ms"), number(m, "min_margin"), m.get("variant") instanceof String v ? v : null, number(m, "cpu_seconds"));
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
