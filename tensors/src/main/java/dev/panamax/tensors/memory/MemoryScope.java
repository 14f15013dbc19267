package dev.panamax.tensors.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A region of code whose tensors are freed together when it closes (try-with-resources). Scopes nest per
 * thread; each has its own Arrow child allocator, so its memory is accounted separately and a buffer left
 * live at close (for example an Arrow vector made from {@link #allocator()} and never closed) fails loudly,
 * naming the scope. A result that must outlive the scope is moved out with {@link #keep}.
 *
 * <pre>{@code
 * Tensor result;
 * try (MemoryScope step = MemoryScope.open("step")) {
 *     Tensor h = x.matmul(w).add(b).relu();      // freed at the end of the block
 *     result = step.keep(h.sum());               // survives: owned by the enclosing scope (or the caller)
 * }
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final String name;
    private final MemoryScope parent;
    private final BufferAllocator allocator;
    private final Thread thread = Thread.currentThread();
    private final List<Owned> owned = new ArrayList<>();
    private final StepArena arena;
    private final List<Runnable> onClose = new ArrayList<>();
    private boolean closed;

    private MemoryScope(String name, MemoryScope parent, StepArena arena, boolean unpooled) {
        this.name = name;
        this.parent = parent;
        this.arena = unpooled ? null : arena != null ? arena : parent != null ? parent.arena : null;
        BufferAllocator up = parent == null ? Memory.root() : parent.allocator;
        this.allocator = up.newChildAllocator(name, 0, Long.MAX_VALUE);
    }

    /**
     * Opens a scope nested in this thread's current one.
     *
     * @param name what leak reports call the scope
     * @return the scope, to close with try-with-resources
     */
    public static MemoryScope open(String name) {
        return open(name, null);
    }

    /**
     * Opens a scope whose tensors (and those of scopes nested in it) take memory from {@code arena}'s pool
     * and return it there when freed; see {@link StepArena}.
     *
     * @param name  what leak reports call the scope
     * @param arena the pool to draw from
     * @return the scope, to close with try-with-resources
     */
    public static MemoryScope open(String name, StepArena arena) {
        ArrayDeque<MemoryScope> stack = STACK.get();
        MemoryScope s = new MemoryScope(name, stack.peek(), arena, false);
        stack.push(s);
        return s;
    }

    /**
     * A scope whose tensors take their memory from the allocator, not from an enclosing scope's step arena: for
     * results that leave a pooled step (an arena's buffer that leaves is missing from the pool at the next step).
     *
     * @param name what leak reports call the scope
     * @return the scope, to close with try-with-resources
     */
    public static MemoryScope openUnpooled(String name) {
        ArrayDeque<MemoryScope> stack = STACK.get();
        MemoryScope s = new MemoryScope(name, stack.peek(), null, true);
        stack.push(s);
        return s;
    }

    /** {@return the arena tensors created in this scope draw from, or null} */
    public StepArena arena() {
        return arena;
    }

    /** {@return the innermost open scope on this thread, or null} */
    public static MemoryScope current() {
        return STACK.get().peek();
    }

    /**
     * Registers a new view with the current scope, if any.
     *
     * @param o a new view; with no scope open the caller owns it
     */
    public static void adopt(Owned o) {
        MemoryScope s = current();
        if (s != null) s.add(o);
    }

    /** {@return the name given at {@link #open(String)}, used in leak reports} */
    public String name() {
        return name;
    }

    /** {@return this scope's Arrow child allocator: Arrow vectors made from it are checked for leaks when the scope closes} */
    public BufferAllocator allocator() {
        return allocator;
    }

    /** {@return whether {@link #close()} has run} */
    public boolean isClosed() {
        return closed;
    }

    private void add(Owned o) {
        owned.add(o);
        o.setOwner(this);
    }

    /**
     * Moves {@code o} out of this scope into the enclosing one (or, at the outermost scope, hands it to the
     * caller, who must close it). Its memory's accounting moves with it. Returns {@code o}.
     *
     * @param o   a view this scope owns
     * @param <T> the view's type
     * @return {@code o}
     */
    public <T extends Owned> T keep(T o) {
        if (closed) throw new IllegalStateException("keep: scope '" + name + "' is already closed");
        if (o.isClosed()) throw new IllegalStateException("keep: the tensor was already closed");
        if (o.owner() != this) {
            throw new IllegalArgumentException("keep: the tensor does not belong to scope '" + name + "'");
        }
        return move(o, parent);
    }

    /**
     * Hands {@code o} from whichever scope owns it now to {@code target} (null: the caller owns it and must close
     * it), moving its memory's accounting along. Used for results whose lifetime is another object's, such as a
     * parameter's gradient, which must live as long as the parameter and not as long as the step that made it.
     *
     * @param o      the view to hand over
     * @param target the new owner, or null for the caller
     * @param <T>    the view's type
     * @return {@code o}
     */
    public static <T extends Owned> T move(T o, MemoryScope target) {
        if (o.isClosed()) throw new IllegalStateException("move: the tensor was already closed");
        if (target != null && target.closed) throw new IllegalStateException("move: scope '" + target.name + "' is closed");
        MemoryScope from = o.owner();
        if (from == target) return o;
        if (from != null && !from.owned.remove(o)) {
            throw new IllegalStateException("move: the tensor is not registered with its scope '" + from.name + "'");
        }
        BufferAllocator dest = target == null ? Memory.root() : target.allocator;
        // Only memory accounted to a scope that may close before the target must follow the tensor.
        StepArena pool = o.storage().pool();
        boolean leavesArena = pool != null && (target == null || target.arena != pool);
        if ((from != null && o.storage().allocator() == from.allocator) || leavesArena) o.storage().transferTo(dest);
        if (target != null) target.add(o);
        else o.setOwner(null);
        return o;
    }

    /** Frees every tensor created in this scope and not kept, then checks the scope's allocator is empty. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("scope '" + name + "' must be closed by the thread that opened it");
        }
        ArrayDeque<MemoryScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("scope '" + name + "' closed while an inner scope '"
                    + stack.peek().name + "' is still open: close scopes in reverse order (try-with-resources does)");
        }
        closed = true;
        stack.pop();
        for (Owned o : owned) o.closeFromScope(this);
        owned.clear();
        onClose.forEach(Runnable::run);
        onClose.clear();
        // Storages kept by views that moved out were transferred to the parent; anything left is a leak.
        long left = allocator.getAllocatedMemory();
        if (left != 0) {
            String detail = allocator.toVerboseString();
            throw new IllegalStateException("scope '" + name + "' closed with " + left + " bytes still allocated from"
                    + " its allocator (an Arrow vector or buffer made from scope.allocator() was not closed):\n" + detail);
        }
        allocator.close();
    }

    /**
     * Runs {@code action} when this scope closes, after its tensors are freed: for memory whose life follows
     * tensors of this scope, such as a model's inference buffers, which must go when its weights go.
     *
     * @param action run once, at close
     */
    public void onClose(Runnable action) {
        if (closed) throw new IllegalStateException("onClose: scope '" + name + "' is already closed");
        onClose.add(action);
    }

    @Override
    public String toString() {
        return "MemoryScope('" + name + "', " + owned.size() + " tensors)";
    }
}
