package dev.panamax.bench.cli;

import dev.panamax.bench.compare.Compare;
import dev.panamax.bench.compare.CompareInputs;
import dev.panamax.bench.compare.CompareReport;
import dev.panamax.bench.compare.CompareRow;
import dev.panamax.bench.compare.Workload;
import dev.panamax.data.Mnist;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax compare}: the same workloads in Panamax and PyTorch, side by side. */
@Command(name = "compare", description = {"Run the same workloads in Panamax and in PyTorch, alternately, and report the ratios.",
        "Writes compare-<date>.md, .csv, .jsonl and .png into --out."})
final class CompareCommand implements Callable<Integer> {
    /** Steps of training before gpt-generate's weights are exported: enough for varied greedy text (loss 3.2 after 15 steps, 2.34 after 200). */
    static final int GPT_TRAINING_STEPS = 200;

    @Option(names = "--quick", description = "Fewer steps and rounds (about two minutes); figures are rougher.")
    boolean quick;

    @Option(names = "--threads", description = "Threads for both sides (default: all cores).")
    Integer threads;

    @Option(names = "--rounds", description = "Alternating A/B rounds per workload (default: 3, --quick: 2).")
    Integer rounds;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "The Python with PyTorch (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--only", split = ",", description = "Run only these workloads (default: all): ${COMPLETION-CANDIDATES}",
            completionCandidates = WorkloadNames.class)
    List<String> only;

    @Option(names = "--json", description = "Print one JSON object per result line on stdout (progress goes to stderr).")
    boolean json;

    @Option(names = "--out", description = "Where the reports go (default: bench/results in the Panamax folder).")
    Path out;

    @Option(names = "--data", description = "Folder with the MNIST IDX files (default: fetched into the cache).")
    Path data;

    static final class WorkloadNames extends ArrayList<String> {
        WorkloadNames() {
            super(Workload.ALL.stream().map(Workload::name).toList());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream info = json ? System.err : System.out;
        Path home = PanamaxHome.find();
        Path worker = home.resolve("bench/python/worker.py");
        Path outDir = out != null ? out : home.resolve("bench/results");
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<Workload> workloads = only == null ? Workload.ALL : only.stream().map(Workload::named).toList();
        Path pythonToUse = PythonCheck.torchAvailable(python, worker, info) ? python : null;

        Path work = Files.createTempDirectory("panamax-compare");
        boolean keep = false;
        try {
            Path inputs = work.resolve("inputs");
            boolean needsData = workloads.stream().anyMatch(w -> w.name().startsWith("mlp") || w.name().startsWith("cnn") || w.name().startsWith("mnist"));
            CompareInputs.write(inputs, needsData ? Mnist.locate(data) : null);
            if (workloads.stream().anyMatch(w -> w.name().equals("gpt-generate"))) CompareInputs.writeTrainedGpt(inputs, GPT_TRAINING_STEPS);
            if (workloads.stream().anyMatch(w -> w.name().equals("gpt-val-loss"))) CompareInputs.writeCorpus(inputs);
            Compare.Options opts = new Compare.Options(quick, t, rounds != null ? rounds : quick ? 2 : 3, workloads, inputs,
                    Compare.currentJavaCommand(), pythonToUse, worker, work.resolve("logs"), ortCommand(workloads, info));
            Compare compare = new Compare(opts);
            Map<String, Map<String, Object>> sides = compare.describe();
            sides.forEach((side, d) -> info.println(side + ": " + d));
            List<Compare.Measured> measured;
            if (System.console() != null && System.console().isTerminal()) {
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("compare").setInitialMax(1)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .setUpdateIntervalMillis(500).build()) {
                    measured = compare.run((index, total, what) -> {
                        bar.maxHint(total);
                        bar.stepTo(index);
                        bar.setExtraMessage(what);
                    });
                    bar.stepTo(bar.getMax());
                }
            } else {  // logs and pipes: one plain line per run
                long start = System.nanoTime();
                measured = compare.run((index, total, what) -> System.err.printf(Locale.ROOT, "[%d/%d, %.0f s] %s%n",
                        index + 1, total, (System.nanoTime() - start) / 1e9, what));
            }
            List<CompareRow> rows = measured.stream().flatMap(m -> CompareRow.of(m).stream()).toList();
            String date = LocalDate.now().toString();
            String settings = String.format(Locale.ROOT, "%d thread(s) each side%s, %d rounds, %s; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"
                    + " for both; Panamax JVM with " + String.join(" ", Compare.WORKER_JVM_FLAGS) + "; PyTorch with OMP_WAIT_POLICY=PASSIVE"
                    + " and glibc malloc keeping freed memory (MALLOC_*_ env)",
                    t, pythonToUse == null ? "" : " (PyTorch: the faster of 1 and " + t + ", probed per workload)", opts.rounds(),
                    quick ? "--quick" : "full steps")
                    + "; warm-up / measured steps, the same on both sides: " + String.join(", ", workloads.stream()
                            .map(w -> w.name() + " " + w.warmup(quick) + " / " + (w.steps(quick) == 0 ? "all" : w.steps(quick))).toList());
            String markdown = CompareReport.markdown(rows, sides, Machine.describe(), settings);
            Path md = CompareReport.write(outDir, date, rows, markdown);
            Path png = outDir.resolve("compare-" + date + ".png");
            RatioChart.write(png, rows);
            if (json) {
                rows.forEach(r -> System.out.println(CompareReport.json(r)));
            } else {
                info.println();
                info.print(markdown);
            }
            info.println("Wrote " + md + " (and .csv, .jsonl, .png beside it)");
            boolean invalid = rows.stream().anyMatch(r -> Boolean.FALSE.equals(r.valid()));
            if (invalid) info.println("Some rows are INVALID: the two sides did not compute the same loss; inputs and logs kept in " + work);
            keep = invalid;
            return invalid ? 3 : 0;
        } finally {
            if (!keep && !Boolean.getBoolean("panamax.compare.keep")) deleteTree(work);
        }
    }

    /**
     * The ONNX Runtime worker's command when a row needs it and its jar is where the bench build copies it
     * ({@code bench/target/deps}); null (Panamax runs those rows alone, and says why) otherwise.
     */
    private static List<String> ortCommand(List<Workload> workloads, PrintStream info) throws java.net.URISyntaxException {
        if (workloads.stream().noneMatch(w -> w.opponent() == Workload.Opponent.ONNXRUNTIME)) return null;
        Path jar = Path.of(CompareCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path ort = jar.resolveSibling("deps").resolve("onnxruntime.jar");
        if (!Files.isRegularFile(ort)) {
            info.println("ONNX Runtime's jar is not at " + ort + " (the bench build puts it there): the MiniLM rows run Panamax alone.");
            return null;
        }
        return Compare.ortJavaCommand(ort);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The Panamax folder (for bench/python and bench/results): -Dpanamax.home, else the folder the jar was built in. */
    static final class PanamaxHome {
        static Path find() {
            String prop = System.getProperty("panamax.home");
            if (prop != null) return Path.of(prop);
            try {
                Path jar = Path.of(CompareCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                for (Path p = jar; p != null; p = p.getParent()) {
                    if (Files.exists(p.resolve("bench/python/worker.py"))) return p;
                }
            } catch (Exception ignored) {
                // fall through to the working directory
            }
            return Path.of("").toAbsolutePath();
        }
    }

    /** Whether {@code python} can import torch; if not, says how to get it and that Panamax runs alone. */
    static final class PythonCheck {
        static boolean torchAvailable(Path python, Path worker, PrintStream info) throws InterruptedException {
            String problem;
            if (!Files.exists(worker)) {
                problem = "the Python side " + worker + " is missing (run from a Panamax checkout)";
            } else {
                try {
                    Process p = new ProcessBuilder(python.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
                    String msg = new String(p.getInputStream().readAllBytes()).strip();
                    problem = p.waitFor() == 0 ? null : "PyTorch cannot be imported by " + python + ": "
                            + msg.lines().reduce((a, b) -> b).orElse("");
                } catch (IOException e) {
                    problem = "no Python at " + python;
                }
            }
            if (problem == null) return true;
            info.println("panamax compare: " + problem + ".");
            info.println("  Install PyTorch (Debian/Ubuntu: apt-get install python3-torch; elsewhere: pip install torch numpy)"
                    + " or point --python at a Python that has it. Running Panamax alone.");
            return false;
        }
    }

    /** CPU model, cores and memory, for the report header. */
    static final class Machine {
        static String describe() {
            String cpu = "unknown CPU";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
                boolean avx512 = Files.readString(Path.of("/proc/cpuinfo")).contains("avx512f");
                cpu += avx512 ? " (AVX-512)" : " (no AVX-512)";
            } catch (IOException ignored) {
                // not Linux: the model name stays unknown
            }
            long memGb = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize() >> 30;
            return String.format(Locale.ROOT, "%s, %d cores, %d GiB, %s %s", cpu, Runtime.getRuntime().availableProcessors(), memGb,
                    System.getProperty("os.name"), System.getProperty("os.version"));
        }
    }
}
