package dev.panamax.autodiff;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The modes of a {@link Function} class whose instances run different computations, named as
 * {@link Function#name()} reports them (a class without it has one mode, its simple name). The OpInfo coverage
 * test requires a record for each mode, and fails on a name it sees on the tape that no class declares.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Modes {
    /** {@return every value {@link Function#name()} can return for this class} */
    String[] value();
}
