package synack.bench;

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

/**
 * The connection's receive side alone (segments already parsed), per pair of segments: in
 * order, and swapped (the second arrives first: held for reassembly, answered with a SACK
 * duplicate ACK; then the first fills the gap and both are delivered). The difference is what
 * a hole costs us beyond the story it makes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReassemblyBench {
    @Param({"1460", "65160"})
    int size;

    byte[] payload;
    TcpConnection connection;
    BulkReceive.Sink sink;
    int seq;

    @Setup
    public void setUp() {
        payload = new byte[size];
        sink = new BulkReceive.Sink();
        connection = BulkReceive.established(sink, 4 << 20);
        seq = BulkReceive.IRS + 1;
    }

    @Benchmark
    public long inOrderPair() {
        connection.onSegment(BulkReceive.data(seq, payload), 3);
        connection.onSegment(BulkReceive.data(seq + size, payload), 3);
        seq += 2 * size;
        return sink.delivered;
    }

    @Benchmark
    public long swappedPair() {
        connection.onSegment(BulkReceive.data(seq + size, payload), 3);
        connection.onSegment(BulkReceive.data(seq, payload), 3);
        seq += 2 * size;
        if (connection.rcvNxt() != seq) {
            throw new IllegalStateException("the gap did not fill");
        }
        return sink.delivered;
    }
}
