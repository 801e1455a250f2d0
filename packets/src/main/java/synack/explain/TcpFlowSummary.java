package synack.explain;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import synack.exchange.tcp.TcpState;
import synack.wire.IpAddress;

/**
 * One connection of a capture, summed up: who (A began it, B answered; addresses of either family), when, how much each side
 * sent, how long the handshake took and in which half, the ACK round trips, the count of each
 * {@link TcpFinding}, what was lost where, and how it ended.
 *
 * <p>Handshake halves, as seen at the capture point: {@code handshakeBHalfMicros} is SYN to SYN,ACK
 * (the path from the capture point to B and back), {@code handshakeAHalfMicros} SYN,ACK to ACK (to A
 * and back); their sum is {@code handshakeRttMicros}. -1: not seen. {@code ackRttA} times ACKs of A's
 * data (the way to B and back), {@code ackRttB} of B's data.
 *
 * <p>Losses in bytes: {@code lostOnWireBytes} the sender had to send again (not spuriously),
 * {@code lostInCaptureBytes} the receiver acknowledged though the capture never held them and
 * nobody repeated them, {@code reorderedBytes} came late without being asked for.
 */
public record TcpFlowSummary(int stream, IpAddress aIp, int aPort, IpAddress bIp, int bPort, long firstMicros, long lastMicros,
                             long framesA, long framesB, long wireBytesA, long wireBytesB, long dataBytesA, long dataBytesB,
                             long handshakeRttMicros, long handshakeAHalfMicros, long handshakeBHalfMicros,
                             TcpRttStats ackRttA, TcpRttStats ackRttB, Map<TcpFinding, Integer> findings,
                             long lostOnWireBytes, long lostInCaptureBytes, long reorderedBytes,
                             TcpClosePath closePath, TcpState finalStateA, TcpState finalStateB, boolean startedMidStream) {
    public TcpFlowSummary {
        EnumMap<TcpFinding, Integer> copy = new EnumMap<>(TcpFinding.class);
        copy.putAll(findings);
        findings = java.util.Collections.unmodifiableMap(copy);
    }

    /** How many segments had {@code finding} (0 when none). */
    public int count(TcpFinding finding) {
        return findings.getOrDefault(finding, 0);
    }

    /** All retransmissions, of the three kinds, as tshark's tcp.analysis.retransmission counts them. */
    public int retransmissions() {
        return count(TcpFinding.RETRANSMISSION) + count(TcpFinding.FAST_RETRANSMISSION) + count(TcpFinding.SPURIOUS_RETRANSMISSION);
    }

    /**
     * The side the capture point is nearer to, by the handshake's halves (the shorter half is the
     * nearer side's), or null when the handshake was not seen whole.
     */
    public Side captureNearer() {
        if (handshakeAHalfMicros < 0 || handshakeBHalfMicros < 0) {
            return null;
        }
        return handshakeAHalfMicros <= handshakeBHalfMicros ? Side.A : Side.B;
    }

    /** The summary as JSON fields, under the documented names. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "tcp");
        f.put("stream", stream);
        f.put("a", aIp.withPort(aPort));
        f.put("b", bIp.withPort(bPort));
        f.put("first_us", firstMicros);
        f.put("last_us", lastMicros);
        f.put("frames_a", framesA);
        f.put("frames_b", framesB);
        f.put("wire_bytes_a", wireBytesA);
        f.put("wire_bytes_b", wireBytesB);
        f.put("data_bytes_a", dataBytesA);
        f.put("data_bytes_b", dataBytesB);
        f.put("handshake_rtt_us", handshakeRttMicros);
        f.put("handshake_a_half_us", handshakeAHalfMicros);
        f.put("handshake_b_half_us", handshakeBHalfMicros);
        Side near = captureNearer();
        if (near != null) {
            f.put("capture_nearer", near.name());
        }
        putRtt(f, "ack_rtt_a", ackRttA);
        putRtt(f, "ack_rtt_b", ackRttB);
        Map<String, Object> counts = new LinkedHashMap<>();
        for (Map.Entry<TcpFinding, Integer> e : findings.entrySet()) {
            counts.put(e.getKey().key(), e.getValue());
        }
        f.put("findings", counts);
        f.put("lost_on_wire_bytes", lostOnWireBytes);
        f.put("lost_in_capture_bytes", lostInCaptureBytes);
        f.put("reordered_bytes", reorderedBytes);
        f.put("close", closePath.key());
        f.put("state_a", finalStateA.name());
        f.put("state_b", finalStateB.name());
        f.put("mid_stream", startedMidStream);
        return f;
    }

    private static void putRtt(Map<String, Object> f, String prefix, TcpRttStats s) {
        f.put(prefix + "_count", s.count());
        if (s.count() > 0) {
            f.put(prefix + "_min_us", s.minMicros());
            f.put(prefix + "_avg_us", s.avgMicros());
            f.put(prefix + "_max_us", s.maxMicros());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "stream %d %s -> %s %s", stream, aIp.withPort(aPort), bIp.withPort(bPort),
                closePath.key());
    }
}
