package dev.panamax.bench.serve;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator: {@code connections} keep-alive connections, each a virtual thread that sends
 * one request, reads the whole reply, and sends the next, for a warm-up and then a measured interval. It speaks
 * just enough HTTP/1.1 (a fixed request, replies with Content-Length) over plain sockets: on a 2-core machine the
 * generator shares the CPU with the server, and java.net.http's client costs several times more per request, which
 * would be measured as the server's slowness.
 */
public final class LoadGenerator {
    /**
     * One run's figures.
     *
     * @param connections concurrent connections
     * @param requests    replies received in the measured interval
     * @param errors      replies that were not 200, or connections that failed
     * @param seconds     the measured interval
     * @param p50Millis   median latency
     * @param p99Millis   99th-percentile latency
     */
    public record Result(int connections, long requests, long errors, double seconds, double p50Millis, double p99Millis) {
        /** Replies per second. */
        public double throughput() {
            return requests / seconds;
        }
    }

    private LoadGenerator() {}

    /** Drives {@code POST url} with {@code body} of {@code contentType} from {@code connections} connections. */
    public static Result run(URI url, String contentType, byte[] body, int connections, double warmupSeconds, double seconds) throws InterruptedException {
        byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        AtomicBoolean measuring = new AtomicBoolean(), stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] counts = new long[connections];
        for (int c = 0; c < connections; c++) {
            long[] mine = new long[1 << 16];  // bounded: a connection keeps at most 65,536 samples (a uniform stride once full)
            latencies.add(mine);
            int id = c;
            threads.add(Thread.ofVirtual().start(() -> connection(url, request, mine, counts, id, measuring, stop, errors)));
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double measured = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : threads) t.join();
        long total = 0;
        int samples = 0;
        for (int c = 0; c < connections; c++) {
            total += counts[c];
            samples += (int) Math.min(counts[c], latencies.get(c).length);
        }
        long[] all = new long[samples];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            int n = (int) Math.min(counts[c], latencies.get(c).length);
            System.arraycopy(latencies.get(c), 0, all, at, n);
            at += n;
        }
        Arrays.sort(all);
        return new Result(connections, total, errors.get(), measured, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6);
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    private static void connection(URI url, byte[] request, long[] samples, long[] counts, int id, AtomicBoolean measuring, AtomicBoolean stop,
            AtomicLong errors) {
        while (!stop.get()) {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(url.getHost(), url.getPort()));
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                long n = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    out.write(request);
                    out.flush();
                    int status = readReply(in);
                    long dt = System.nanoTime() - t0;
                    if (!measuring.get()) continue;
                    if (status != 200) errors.incrementAndGet();
                    samples[(int) (n++ % samples.length)] = dt;
                    counts[id] = n;
                }
            } catch (IOException e) {
                if (!stop.get()) errors.incrementAndGet();  // the server closed the connection: open another
            }
        }
    }

    /** Reads one reply (status line, headers, a Content-Length body) and returns its status. */
    static int readReply(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP/1.1 reply: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        for (String h; !(h = line(in)).isEmpty(); ) {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Long.parseLong(h.substring(15).trim());
        }
        if (length < 0) throw new IOException("a reply without Content-Length");
        for (long left = length; left > 0; ) {
            long k = in.skip(left);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException("the reply ended early");
                k = 1;
            }
            left -= k;
        }
        return code;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("the connection closed");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }
}
