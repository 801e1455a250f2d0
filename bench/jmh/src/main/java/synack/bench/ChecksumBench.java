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

import synack.exchange.scan.SynTemplate;
import synack.wire.Checksum;

/**
 * The RFC 1071 checksum loop over the two sizes a sweep touches on every reply: a 20-byte IPv4
 * header and a 24-byte TCP header (SYN,ACK with MSS) seeded with the 12-byte pseudo header's
 * sum, exactly as Reply.parse verifies them. The bytes come from a real SYN frame so the sums
 * are the ones seen on the wire; the arrays live in state fields so nothing is constant-folded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ChecksumBench {
    private static final int ETH = 14;
    private static final int IP_LENGTH = 20;
    private static final int TCP_LENGTH = 24;

    byte[] frame;
    int pseudo;

    @Setup
    public void setUp() {
        frame = new byte[SynTemplate.LENGTH];
        new SynTemplate(SynBuildBench.OUR_MAC, SynBuildBench.OUR_IP, SynBuildBench.SOURCE_PORT)
                .write(frame, SynBuildBench.NEXT_HOP, SynBuildBench.HOST, 80, SynBuildBench.SEQ, 7);
        int s = SynBuildBench.OUR_IP;
        int d = SynBuildBench.HOST;
        pseudo = (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff) + 6 + TCP_LENGTH;
        if (Checksum.compute(frame, ETH, IP_LENGTH) != 0 || tcp24WithPseudo() != 0) {
            throw new IllegalStateException("test frame does not verify");
        }
    }

    /** Verifying an IPv4 header: ten 16-bit words, result 0 for a good header. */
    @Benchmark
    public int ip20() {
        return Checksum.compute(frame, ETH, IP_LENGTH);
    }

    /** Verifying a TCP header: twelve words on top of the pseudo header's precomputed sum. */
    @Benchmark
    public int tcp24WithPseudo() {
        return ~Checksum.sum(frame, ETH + IP_LENGTH, TCP_LENGTH, pseudo) & 0xffff;
    }
}
