package dev.panamax.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code panamax} command. */
@Command(name = "panamax", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A deep-learning engine for Java 25.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, DoctorCommand.class, BenchCommand.class, CompareCommand.class,
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
        return new CommandLine(new Main())
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"panamax " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
