package dev.panamax.nn;

/** Ready-made architectures. */
public final class Models {
    private Models() {}

    /**
     * The Keras tutorial's MNIST CNN: Conv2D 32 3×3 relu → MaxPool 2 → Conv2D 64 3×3 relu → MaxPool 2 →
     * Conv2D 64 3×3 relu → Flatten → Dense 64 relu → Dense {@code classes} softmax (93,322 parameters for 10
     * classes on 28×28×1 input).
     */
    public static Sequential tutorialCnn(long seed, int classes) {
        return new Sequential(seed)
                .add(new Conv2D(32, 3, "relu")).add(new MaxPooling2D(2))
                .add(new Conv2D(64, 3, "relu")).add(new MaxPooling2D(2))
                .add(new Conv2D(64, 3, "relu")).add(new Flatten())
                .add(new Dense(64, "relu")).add(new Dense(classes, "softmax"));
    }
}
