package dev.panamax.apps.timeseries;

import dev.panamax.data.fetch.Cache;
import dev.panamax.data.fetch.DebPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The weekly Mauna Loa CO2 record, March 1958 to December 2001 (2,284 weeks, ppm; 59 weeks missing), as statsmodels
 * ships it in Debian's {@code python3-statsmodels}: fetched once into {@code ~/.cache/panamax/statsmodels} and
 * checked by SHA-256 (see {@link DebPackage}). No Python runs: only the CSV is taken from the package.
 */
public final class Co2 {
    /** The CSV inside the package. */
    static final String PATH = "usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv";
    /** SHA-256 of that CSV (statsmodels 0.13.5, Debian 0.13.5+dfsg-7). */
    static final String SHA256 = "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f";
    static final DebPackage PACKAGE = new DebPackage("python3-statsmodels", "the Mauna Loa CO2 series",
            "pass your own series with --csv FILE (a header line, then date,value rows)");
    /** Weeks in the seasonal cycle. */
    public static final int SEASON = 52;

    private Co2() {}

    /** The series, its gaps interpolated. */
    public static Series load() throws IOException {
        Path dir = PACKAGE.files(Cache.dir("statsmodels"), Map.of(PATH, SHA256));
        return Series.read(dir.resolve("co2.csv"), true);
    }
}
