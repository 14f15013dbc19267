package dev.panamax.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code panamax} command. {@code bench} and {@code compare} run from the bench module's own jar, which the
 * launcher script picks for them, so this jar carries neither JMH nor the PyTorch harness; they are listed here
 * so that {@code panamax --help} shows every command.
 */
@Command(name = "panamax", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "A deep-learning engine for Java 25.",
        subcommands = {TrainCommand.class, GenerateCommand.class, EmbedCommand.class, SimilarCommand.class, ExportCommand.class, EvaluateCommand.class,
            OnnxTestCommand.class, PredictCommand.class, ServeCommand.class, ExampleCommand.class, DoctorCommand.class, Main.Bench.class, Main.Compare.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    // Arrow reports its allocator choice at INFO on start-up; users need only its warnings. Held strongly
    // because java.util.logging keeps loggers weakly.
    private static final java.util.logging.Logger ARROW_LOG = quiet("org.apache.arrow");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return execute(new Main(), args);
    }

    /**
     * Runs {@code command} (a picocli command object) on {@code args} and returns the exit code, reporting the
     * user's errors as every {@code panamax} command does; the bench jar's entry point shares it.
     */
    public static int execute(Object command, String... args) {
        return new CommandLine(command)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    // Bad input (missing or corrupt files, wrong shapes, NaN) is the user's to fix: say what, not where.
                    if (ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
                            || ex instanceof IllegalStateException || ex instanceof ArithmeticException) {
                        cmd.getErr().println("panamax " + cmd.getCommandName() + ": " + ex.getMessage());
                        return 1;
                    }
                    throw ex;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version line of every {@code panamax} jar: the build's version and the running JDK. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"panamax " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }

    /** A command that runs from the bench jar: listed in the help; run directly, it says where it lives. */
    abstract static class InBenchJar implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("panamax " + spec.name() + ": runs from the bench module's jar (bench/target/panamax-bench.jar);"
                    + " ./panamax " + spec.name() + " builds and runs it.");
            return 2;
        }
    }

    @Command(name = "bench", description = "Benchmarks: gemm, pairs, jmh (./panamax bench --help).")
    static final class Bench extends InBenchJar {}

    @Command(name = "compare", description = "Run the same workloads in Panamax and in PyTorch, alternately, and report the ratios.")
    static final class Compare extends InBenchJar {}
}
