package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ICMPv4 (RFC 792). For errors (destination unreachable, time exceeded) the quoted original
 * header tells which of our probes it answers: its destination address and the first 8 bytes
 * of its transport header (the ports).
 */
public record IcmpMessage(int type, int code, byte[] body, int nextHopMtu) {
    public static final int ECHO_REPLY = 0;
    public static final int UNREACHABLE = 3;
    public static final int TIME_EXCEEDED = 11;

    public static IcmpMessage parse(byte[] b) throws MalformedFrameException {
        if (b.length < 8) {
            throw new MalformedFrameException("ICMP message of " + b.length + " bytes is shorter than 8");
        }
        return new IcmpMessage(b[0] & 0xff, b[1] & 0xff, Arrays.copyOfRange(b, 8, b.length), ((b[6] & 0xff) << 8) | (b[7] & 0xff));
    }

    public IcmpMessage(int type, int code, byte[] body) {
        this(type, code, body, 0);
    }

    /** Fragmentation needed (type 3 code 4) carries the next hop's MTU (RFC 1191); 0 from an old router. */
    public boolean isFragmentationNeeded() {
        return type == UNREACHABLE && code == 4;
    }

    public int nextHopMtu() {
        return isFragmentationNeeded() ? nextHopMtu : 0;
    }

    public boolean isError() {
        return type == UNREACHABLE || type == TIME_EXCEEDED;
    }

    /** The original datagram's header quoted by an error, or null when the quote is too short. */
    public Quoted quoted() {
        if (!isError() || body.length < 28) {
            return null;
        }
        int ihl = (body[0] & 0x0f) * 4;
        if (ihl < 20 || body.length < ihl + 8) {
            return null;
        }
        int sport = ((body[ihl] & 0xff) << 8) | (body[ihl + 1] & 0xff);
        int dport = ((body[ihl + 2] & 0xff) << 8) | (body[ihl + 3] & 0xff);
        return new Quoted(body[9] & 0xff, Ip4.read(body, 12), Ip4.read(body, 16), sport, dport, Ip4.read(body, ihl + 4));
    }

    /** What an ICMP error quotes of the datagram that caused it. */
    public record Quoted(int protocol, int source, int destination, int sourcePort, int destinationPort, int tcpSeq) {}

    public String meaning() {
        if (type == UNREACHABLE) {
            return switch (code) {
                case 0 -> "net unreachable";
                case 1 -> "host unreachable";
                case 2 -> "protocol unreachable";
                case 3 -> "port unreachable";
                case 4 -> "fragmentation needed" + (nextHopMtu > 0 ? " (mtu " + nextHopMtu + ")" : "");
                case 9 -> "net administratively prohibited";
                case 10 -> "host administratively prohibited";
                case 13 -> "communication administratively prohibited";
                default -> "unreachable code " + code;
            };
        }
        if (type == TIME_EXCEEDED) {
            return "time exceeded";
        }
        if (type == 8) {
            return "echo request";
        }
        if (type == ECHO_REPLY) {
            return "echo reply";
        }
        return "type " + type + " code " + code;
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", type);
        f.put("code", code);
        f.put("meaning", meaning());
        if (isFragmentationNeeded()) {
            f.put("mtu", nextHopMtu);
        }
        Quoted q = quoted();
        String about = "";
        if (q != null) {
            f.put("quoted_dst", Ip4.toString(q.destination()));
            f.put("quoted_dport", q.destinationPort());
            about = " for " + Ipv4Packet.protocolName(q.protocol()) + " to " + Ip4.toString(q.destination()) + ":" + q.destinationPort();
        }
        return new Layer("icmp", "ICMP " + meaning() + " (type " + type + " code " + code + ")" + about, f);
    }
}
