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

import synack.exchange.scan.Reply;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Reading a reply on the receive side: the sweep's offset-based Reply.parse (both checksums
 * verified, no copies, one small record) against the general Frames.parseTcp, which decodes
 * Ethernet, IPv4 and TCP into objects with copied payloads and parsed options. Both verify
 * the same checksums, so the difference is the price of generality per received frame. The
 * frames are a SYN,ACK (with MSS) and a RST,ACK from 198.18.2.2:80 to 198.18.1.2:61234,
 * built once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReplyParseBench {
    byte[] synAck;
    byte[] rstAck;
    int ourIp;
    int ourPort;

    @Setup
    public void setUp() throws MalformedFrameException {
        MacAddress router = MacAddress.parse("02:00:00:00:00:01");
        MacAddress us = MacAddress.parse("02:00:00:00:00:02");
        int them = Ip4.parse("198.18.2.2");
        ourIp = Ip4.parse("198.18.1.2");
        ourPort = 61234;
        TcpSegment sa = TcpSegment.of(80, ourPort, 0x11223344, 0x5eed1235, TcpSegment.SYN | TcpSegment.ACK, 65160,
                new TcpSegment.Options(1460, -1, false, -1, -1, java.util.List.of()), new byte[0]);
        TcpSegment ra = TcpSegment.of(80, ourPort, 0, 0x5eed1235, TcpSegment.RST | TcpSegment.ACK, 0,
                TcpSegment.Options.NONE, new byte[0]);
        synAck = Frames.tcp(router, us, them, ourIp, 4242, sa);
        rstAck = Frames.tcp(router, us, them, ourIp, 4243, ra);
        Reply a = Reply.parse(synAck, ourIp, ourPort);
        Reply b = Reply.parse(rstAck, ourIp, ourPort);
        if (a == null || a.kind() != Reply.Kind.SYN_ACK || b == null || b.kind() != Reply.Kind.RST
                || !Frames.parseTcp(synAck).segment().checksumValid()) {
            throw new IllegalStateException("test frames do not parse as expected");
        }
    }

    @Benchmark
    public Reply replySynAck() throws MalformedFrameException {
        return Reply.parse(synAck, ourIp, ourPort);
    }

    @Benchmark
    public Reply replyRstAck() throws MalformedFrameException {
        return Reply.parse(rstAck, ourIp, ourPort);
    }

    @Benchmark
    public Frames.Tcp generalSynAck() throws MalformedFrameException {
        return Frames.parseTcp(synAck);
    }

    @Benchmark
    public Frames.Tcp generalRstAck() throws MalformedFrameException {
        return Frames.parseTcp(rstAck);
    }
}
