package synack.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import synack.exchange.tcp.TcpConnection;
import synack.iface.Interface;
import synack.link.Link;
import synack.link.ReceivedFrame;
import synack.time.Clock;
import synack.wire.Checksum;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.MalformedFrameException;

/**
 * One data frame of http-get's bulk transfer on its way in, per stage: the TCP checksum over
 * the segment (what the intake verifies), the intake (IPv4 header sum, transport checksum,
 * offload policy), the parse into a segment, and all of it followed by the connection taking
 * the data in order (delivery, a delayed ACK every second segment). Two sizes: a 1,460-byte
 * segment (offloads off) and a 65,160-byte TSO super-frame (the kernel's default lab).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SegmentIntakeBench {
    @Param({"1460", "65160"})
    int size;

    byte[] frame;
    int pseudo;
    int tcpLength;
    Interface intake;
    ReceivedFrame received;
    TcpConnection connection;
    BulkReceive.Sink sink;
    int seq;

    @Setup
    public void setUp() throws IOException, MalformedFrameException {
        frame = BulkReceive.offloadedFrame(BulkReceive.IRS + 1, size);
        tcpLength = frame.length - BulkReceive.TCP_AT;
        pseudo = ChecksumStatus.pseudoHeaderSum(BulkReceive.SERVER, BulkReceive.US, 6, tcpLength);
        received = new ReceivedFrame(frame, 1);
        // a link that always has this frame waiting: the intake's own cost, no capture
        intake = new Interface(new Link() {
            @Override
            public void send(byte[] f) {}

            @Override
            public ReceivedFrame receive(long deadlineMicros) {
                return received;
            }

            @Override
            public void close() {}
        }, 1500, Clock.SYSTEM);
        if (Frames.parseTcp(intake.receive(0).bytes()).segment().checksum() != ChecksumStatus.OFFLOADED) {
            throw new IllegalStateException("the test frame is not told as offloaded");
        }
        sink = new BulkReceive.Sink();
        connection = BulkReceive.established(sink, 4 << 20);
        seq = BulkReceive.IRS + 1;
    }

    /** The sum the intake computes over the whole TCP segment, seeded with the pseudo header's. */
    @Benchmark
    public int checksum() {
        return Checksum.sum(frame, BulkReceive.TCP_AT, tcpLength, pseudo);
    }

    /** Interface.receive: header checksum, transport checksum, offload policy. */
    @Benchmark
    public ReceivedFrame intake() throws IOException {
        return intake.receive(0);
    }

    /** Frames.parseTcp: Ethernet, IPv4 and TCP into objects (the segment's data copied out). */
    @Benchmark
    public Object parse() throws MalformedFrameException {
        return Frames.parseTcp(frame);
    }

    /** Intake, parse and the connection taking the data in order: the receive path of one frame, less the capture. */
    @Benchmark
    public long intakeParseDeliver() throws IOException, MalformedFrameException {
        BulkReceive.setSeq(frame, seq);
        ReceivedFrame f = intake.receive(0);
        connection.onSegment(Frames.parseTcp(f.bytes()).segment(), 3);
        seq += size;
        return sink.delivered;
    }
}
