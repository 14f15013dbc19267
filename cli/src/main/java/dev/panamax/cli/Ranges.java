package dev.panamax.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that check a numeric option's range while the command line is parsed, so a bad value is refused
 * with the option's name and the allowed range before any work starts ({@code --threads 0}, {@code --batch-size 0}).
 */
final class Ranges {
    private Ranges() {}

    static int parse(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    /** A whole number of 1 or more. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = parse(value);
            if (v < 1) throw new TypeConversionException("must be 1 or more, got " + v);
            return v;
        }
    }

    /** A whole number of 0 or more. */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = parse(value);
            if (v < 0) throw new TypeConversionException("must be 0 or more, got " + v);
            return v;
        }
    }

    /** A port number, 0 (any free port) to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = parse(value);
            if (v < 0 || v > 65535) throw new TypeConversionException("must be a port from 0 to 65535, got " + v);
            return v;
        }
    }
}
