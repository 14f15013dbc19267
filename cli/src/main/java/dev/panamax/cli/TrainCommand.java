package dev.panamax.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code panamax train mnist}: the headline job. */
@Command(name = "train", description = "Train a model (mnist: the Keras tutorial's CNN).")
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "What to train: mnist", defaultValue = "mnist")
    String what;

    @Override
    public Integer call() {
        System.err.println("panamax train " + what + ": training is not there yet. It arrives with the model-API issue "
                + "(layers, losses, optimizers, the MNIST data loader). Today Panamax has tensors on Arrow memory and "
                + "Vector API kernels: run ./panamax doctor to see them, or ./panamax test to check them.");
        return 2;
    }
}
