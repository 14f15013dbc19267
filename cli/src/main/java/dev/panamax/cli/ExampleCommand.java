package dev.panamax.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code panamax example NAME}: the runnable applications of the tutorial, each writing metrics.json and PNGs into --out. */
@Command(name = "example", description = "Run an example application on real data (./panamax example NAME --help).",
        subcommands = {TimeseriesCommand.class})
final class ExampleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
