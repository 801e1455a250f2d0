package synack.bench;

import java.util.Arrays;
import java.util.List;
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
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Building one probe: the sweep's patched 58-byte template written into a reused buffer, against
 * the general layered builder (segment, then IPv4 packet, then Ethernet frame, each a fresh
 * array) that every other exchange uses. This is the per-probe cost on the send side, so it
 * bounds the probe rate before the link does. The destination port changes on every call, as
 * it does in a sweep, so neither path can be folded to a constant.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SynBuildBench {
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress NEXT_HOP = MacAddress.parse("02:00:00:00:00:01");
    static final int OUR_IP = Ip4.parse("198.18.1.2");
    static final int HOST = Ip4.parse("198.18.2.2");
    static final int SOURCE_PORT = 61234;
    static final int SEQ = 0x5eed1234;

    SynTemplate template;
    byte[] out;
    MacAddress ourMac;
    MacAddress nextHop;
    int ourIp;
    int host;
    int port;
    int ipId;

    @Setup
    public void setUp() throws MalformedFrameException {
        template = new SynTemplate(OUR_MAC, OUR_IP, SOURCE_PORT);
        out = new byte[SynTemplate.LENGTH];
        ourMac = OUR_MAC;
        nextHop = NEXT_HOP;
        ourIp = OUR_IP;
        host = HOST;
        // Both paths must build the same SYN, or the comparison means nothing: byte for byte,
        // except that the general path pads the frame to Ethernet's 60-byte minimum.
        port = 79;
        ipId = 1;
        template.write(out, nextHop, host, 80, SEQ, 1);
        byte[] general = general();
        Frames.Tcp fromTemplate = Frames.parseTcp(out);
        if (general.length < SynTemplate.LENGTH
                || !Arrays.equals(out, 0, SynTemplate.LENGTH, general, 0, SynTemplate.LENGTH)
                || !fromTemplate.ip().checksumValid() || !fromTemplate.segment().checksumValid()
                || !Frames.parseTcp(general).ip().checksumValid()) {
            throw new IllegalStateException("the two SYN builders disagree");
        }
        port = 0;
        ipId = 0;
    }

    /** The sweep's path: copy the template, patch five fields, add them to precomputed checksum sums. */
    @Benchmark
    public byte[] template() {
        int p = port = (port + 1) & 0xffff;
        template.write(out, nextHop, host, p, SEQ, ipId++);
        return out;
    }

    /**
     * The general path: a TcpSegment with an MSS option serialised through IPv4 and Ethernet,
     * allocating the segment, its options, the IPv4 packet and the (60-byte, padded) frame.
     */
    @Benchmark
    public byte[] general() {
        int p = port = (port + 1) & 0xffff;
        TcpSegment seg = TcpSegment.of(SOURCE_PORT, p, SEQ, 0, TcpSegment.SYN, 64240,
                new TcpSegment.Options(1460, -1, false, -1, -1, List.of()), new byte[0]);
        return Frames.tcp(ourMac, nextHop, ourIp, host, ipId++, seg);
    }
}
