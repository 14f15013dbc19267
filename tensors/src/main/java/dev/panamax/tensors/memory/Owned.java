package dev.panamax.tensors.memory;

/** Something a {@link MemoryScope} frees when it closes: in practice a tensor view. */
public interface Owned {
    /** {@return the storage this view holds a reference to} */
    Storage storage();

    /** {@return whether this object's memory was already released} */
    boolean isClosed();

    /**
     * Releases the view because {@code scope} is closing; a no-op when already closed.
     *
     * @param scope the closing scope
     */
    void closeFromScope(MemoryScope scope);

    /** {@return the scope that will free this view, or null when the caller owns it} */
    MemoryScope owner();

    /**
     * Records the scope that now owns this view (null: owned by the caller).
     *
     * @param scope the new owner, or null
     */
    void setOwner(MemoryScope scope);
}
