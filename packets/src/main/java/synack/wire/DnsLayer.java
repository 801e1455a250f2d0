package synack.wire;

/** The DNS layer of a frame for the renderers: decoded when it parses, annotated when it does not. */
final class DnsLayer {
    private DnsLayer() {}

    static Layer describe(byte[] payload) {
        try {
            return DnsMessage.parse(payload).describe();
        } catch (MalformedFrameException e) {
            return Dissector.malformed("DNS: " + e.getMessage());
        }
    }
}
