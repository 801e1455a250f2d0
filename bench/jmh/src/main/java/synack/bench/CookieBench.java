package synack.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import synack.exchange.scan.Permutation;
import synack.exchange.scan.SipHash;
import synack.exchange.scan.SynSweep;

/**
 * The stateless bookkeeping a sweep does per probe and per reply: the SipHash-2-4 cookie that
 * becomes the SYN's sequence number (and is recomputed to check each reply's ack), and the
 * Feistel permutation that picks the next target (at) or places a reply back in the order
 * (indexOf). These replace per-probe tables, so their cost is paid on every packet. Inputs move
 * on every call as they do in a sweep.
 *
 * A size of 65536 is exactly 2^16, an even power of two, so the permutation never cycle-walks:
 * this measures the 4-round Feistel network alone, the best case for at/indexOf.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CookieBench {
    SipHash key;
    Permutation permutation;
    int ourIp;
    int ourPort;
    int host;
    int port;
    long position;

    @Setup
    public void setUp() {
        key = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        permutation = new Permutation(65536, 0x5eedL);
        ourIp = SynBuildBench.OUR_IP;
        ourPort = SynBuildBench.SOURCE_PORT;
        host = SynBuildBench.HOST;
        for (long i = 0; i < 65536; i += 997) {
            if (permutation.indexOf(permutation.at(i)) != i) {
                throw new IllegalStateException("permutation does not invert at " + i);
            }
        }
    }

    /** SipHash-2-4 of 12 bytes: one compression plus finalisation, on a local long[4] the JIT should scalarise. */
    @Benchmark
    public long sipHash12() {
        int p = port = (port + 1) & 0xffff;
        return key.hash12(ourIp, host, (ourPort << 16) | p);
    }

    /** The cookie as the sweep computes it (hash12 truncated to the 32-bit sequence number). */
    @Benchmark
    public int cookieOf() {
        int p = port = (port + 1) & 0xffff;
        return SynSweep.cookieOf(key, ourIp, ourPort, host, p);
    }

    /** Position to target: the send side, once per probe. */
    @Benchmark
    public long permutationAt() {
        long j = position = (position + 1) & 0xffff;
        return permutation.at(j);
    }

    /** Target to position: the receive side, once per reply. */
    @Benchmark
    public long permutationIndexOf() {
        long v = position = (position + 1) & 0xffff;
        return permutation.indexOf(v);
    }
}
