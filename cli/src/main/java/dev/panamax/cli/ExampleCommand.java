package dev.panamax.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code panamax example NAME}: the runnable applications of the tutorial's application chapter, one subcommand each;
 * every one writes {@code metrics.json} and its pictures into {@code --out} and has a short {@code --quick} version.
 */
@Command(name = "example", description = "Run an example application (./panamax example NAME --help): timeseries, dqn, explain, gan, resnet.",
        subcommands = {ExampleTimeseriesCommand.class, ExampleDqnCommand.class, ExampleExplainCommand.class, ExampleGanCommand.class,
                ExampleResnetCommand.class})
final class ExampleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("panamax example: name an example: "
                + String.join(", ", spec.subcommands().keySet()) + " (./panamax example NAME --help)");
        return 2;
    }
}
