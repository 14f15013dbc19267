package dev.panamax.bench.cli;

import dev.panamax.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench jar's entry point: {@code panamax bench} and {@code panamax compare}. The launcher script sends these
 * two commands here, so the CLI's jar carries neither JMH nor the PyTorch harness; names, options and exit codes
 * are the CLI's ({@link Main#execute}).
 */
@Command(name = "panamax", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Panamax's benchmarks and its side-by-side comparison with PyTorch.",
        subcommands = {BenchCommand.class, CompareCommand.class, CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return Main.execute(new BenchCli(), args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
