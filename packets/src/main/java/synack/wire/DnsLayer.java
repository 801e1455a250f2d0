package synack.wire;

/**
 * The DNS layer of a UDP datagram for the renderers. On DNS's own ports (53, and 5353 for
 * multicast DNS, RFC 6762) a payload is DNS: decoded when it parses, annotated as malformed
 * when it does not. On any other port it is DNS only when it parses strictly as a whole DNS
 * message ({@link DnsMessage#parseStrictly}): a header that makes sense, every section whole, no
 * byte left over; anything else stays raw UDP.
 *
 * <p>Why both: the dissector sees one frame and not the exchange that sent it, so it cannot know
 * that the user asked a server on port 5354; ports alone would leave that story in raw UDP. A
 * heuristic alone would lose the "malformed DNS" annotation on port 53, where a broken reply is
 * exactly what a reader needs to see. The strict heuristic (as Wireshark's heuristic dissectors
 * check a header before claiming a payload) keeps other protocols' bytes from being taken for DNS.
 */
final class DnsLayer {
    static final int PORT = 53;
    static final int MULTICAST_PORT = 5353;

    private DnsLayer() {}

    /** The DNS layer of the datagram, or null when its payload is not DNS. */
    static Layer of(UdpDatagram udp) {
        if (isDnsPort(udp.sourcePort()) || isDnsPort(udp.destinationPort())) {
            return describe(udp.payload());
        }
        try {
            return DnsMessage.parseStrictly(udp.payload()).describe();
        } catch (MalformedFrameException e) {
            return null;
        }
    }

    private static boolean isDnsPort(int port) {
        return port == PORT || port == MULTICAST_PORT;
    }

    static Layer describe(byte[] payload) {
        try {
            return DnsMessage.parse(payload).describe();
        } catch (MalformedFrameException e) {
            return Dissector.malformed("DNS: " + e.getMessage());
        }
    }
}
