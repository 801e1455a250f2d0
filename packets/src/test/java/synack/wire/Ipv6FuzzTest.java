package synack.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Ipv6Packet, Icmpv6Message and NdpMessage on hostile bytes: each returns (and what it returns
 * can be narrated) or throws MalformedFrameException, nothing else.
 */
class Ipv6FuzzTest {
    static final int PACKETS = 50_000;
    static final int[] HEADER_TYPES = {0, 6, 17, 43, 44, 50, 51, 58, 59, 60, 132};

    static byte[] mutate(Random r, byte[][] seeds) {
        int kind = r.nextInt(6);
        if (kind == 0) { // noise that starts like IPv6, any length
            byte[] b = new byte[r.nextInt(300)];
            r.nextBytes(b);
            if (b.length > 0) {
                b[0] = (byte) (0x60 | (b[0] & 0x0f));
            }
            return b;
        }
        byte[] b = seeds[r.nextInt(seeds.length)].clone();
        for (int k = 0, rounds = 1 + r.nextInt(3); k < rounds && b.length > 0; k++) {
            switch (kind) {
                case 1 -> { // flip a few bytes anywhere
                    for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // cut, payload length left as it was
                case 3 -> { // a next-header byte (fixed or extension header's) made another header type
                    int at = r.nextBoolean() || b.length <= 40 ? 6 : 40 + 8 * r.nextInt((b.length - 40 + 7) / 8);
                    if (at < b.length) {
                        b[at] = (byte) HEADER_TYPES[r.nextInt(HEADER_TYPES.length)];
                    }
                }
                case 4 -> { // a length byte past the header: an extension's or an NDP option's
                    int at = 41 + r.nextInt(Math.max(1, b.length - 41));
                    if (at < b.length) {
                        b[at] = (byte) (r.nextBoolean() ? r.nextInt(4) : r.nextInt(256));
                    }
                }
                default -> { // cut, then make the payload length agree, so the inner structure is what breaks
                    b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                    if (b.length >= 40) {
                        b[4] = (byte) ((b.length - 40) >>> 8);
                        b[5] = (byte) (b.length - 40);
                    }
                }
            }
        }
        return b;
    }

    /** Everything a narrator would do with the packet. */
    static String narrate(byte[] packet) throws MalformedFrameException {
        Ipv6Packet ip = Ipv6Packet.parse(packet);
        assertNotNull(ip.describe().summary());
        assertTrue(ip.extensions().size() <= ip.payloadLength() / 8, "every extension header takes 8 bytes or more");
        if (ip.end() != Ipv6Packet.End.UPPER_LAYER) {
            return "ipv6 " + ip.end();
        }
        switch (ip.upperProtocol()) {
            case Ipv6Packet.TCP -> {
                return "tcp " + Frames6.parseTcp(ip).checksum();
            }
            case Ipv6Packet.UDP -> {
                return "udp " + Frames6.parseUdp(ip).checksum();
            }
            case Ipv6Packet.ICMPV6 -> {
                Icmpv6Message m = Icmpv6Message.parse(ip);
                assertNotNull(m.describe().summary());
                m.invoking();
                if (NdpMessage.isNdp(m.type())) {
                    NdpMessage ndp = NdpMessage.parse(ip);
                    assertNotNull(ndp.describe().summary());
                    return "ndp " + (ndp.isValid() ? "valid" : "invalid");
                }
                return "icmpv6";
            }
            default -> {
                return "other";
            }
        }
    }

    @Test
    void parseOnlyEverReturnsOrThrowsMalformed() {
        byte[][] seeds = Ipv6GoldenTest.ALL.stream().map(Ipv6GoldenTest::hex).toArray(byte[][]::new);
        Map<String, Integer> outcomes = new TreeMap<>();
        Random r = new Random(20261203L);
        for (int i = 0; i < PACKETS; i++) {
            byte[] packet = mutate(r, seeds);
            try {
                outcomes.merge(narrate(packet), 1, Integer::sum);
            } catch (MalformedFrameException e) {
                assertNotNull(e.getMessage());
                outcomes.merge(e.getMessage().replaceAll(" [0-9(].*", ""), 1, Integer::sum); // the kind: up to the first number
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("packet " + i + " (" + HexFormat.of().formatHex(packet) + ") threw " + e, e);
            }
        }
        System.out.println("Ipv6FuzzTest: " + PACKETS + " packets: " + outcomes);
        // the mutations reach deep: some packets still parse all the way, others break at each layer
        assertTrue(outcomes.getOrDefault("ndp valid", 0) > 0 && outcomes.getOrDefault("ndp invalid", 0) > 0, outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("NDP option")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("IPv6 option")), outcomes.toString());
    }

    /**
     * The same hostile bytes through what the intake and the renderers do with a fragment: the reassembly returns
     * or throws MalformedFrameException and keeps its bounds, the dissector never throws. The seeds add fragments
     * of a UDP datagram, cut as a kernel cuts them, to the golden packets (scapy's later fragment among them).
     */
    @Test
    void fragmentsNeverBreakTheReassemblyOrTheDissector() {
        java.util.List<byte[]> seeds = new java.util.ArrayList<>(Ipv6GoldenTest.ALL.stream().map(Ipv6GoldenTest::hex).toList());
        byte[] src = Ip6.parse("2001:db8:2::2");
        byte[] dst = Ip6.parse("2001:db8:1::2");
        byte[] udp = Frames6.udpBytes(UdpDatagram.of(53, 40000, new byte[600]), src, dst);
        java.util.List<Ipv6Extension> hop = java.util.List.of(Ipv6Extension.HopByHop.padded(java.util.List.of(Ipv6Option.routerAlert(0))));
        for (int at = 0; at < udp.length; at += 256) {
            java.util.List<Ipv6Extension> headers = new java.util.ArrayList<>(at == 0 ? hop : java.util.List.of());
            headers.add(new Ipv6Extension.Fragment(at, at + 256 < udp.length, 7));
            seeds.add(Ipv6Packet.build(src, dst, 64, headers, Ipv6Packet.UDP, Arrays.copyOfRange(udp, at, Math.min(udp.length, at + 256))));
        }
        byte[][] all = seeds.toArray(byte[][]::new);
        synack.iface.Ipv6Reassembly.Limits limits = new synack.iface.Ipv6Reassembly.Limits(4, 65_535, 8, 1_000_000L, 4 * 65_575);
        synack.iface.Ipv6Reassembly reassembly = new synack.iface.Ipv6Reassembly(limits);
        Map<String, Integer> outcomes = new TreeMap<>();
        Random r = new Random(20261204L);
        MacAddress a = MacAddress.parse("02:00:00:00:00:0a");
        for (int i = 0; i < PACKETS; i++) {
            byte[] packet = mutate(r, all);
            try {
                java.util.List<Layer> layers = Dissector.dissect(Frames6.ethernet(a, a, packet));
                assertTrue(!layers.isEmpty() && Dissector.summary(layers) != null);
                synack.iface.Ipv6Reassembly.Outcome o = reassembly.offer(packet, i * 1_000L);
                String kind = o instanceof synack.iface.Ipv6Reassembly.Fragment f ? f.reason().name() : o.getClass().getSimpleName();
                outcomes.merge(kind, 1, Integer::sum);
            } catch (MalformedFrameException e) {
                outcomes.merge("malformed", 1, Integer::sum);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("packet " + i + " (" + HexFormat.of().formatHex(packet) + ") threw " + e, e);
            }
            assertTrue(reassembly.datagramsHeld() <= limits.maxDatagrams());
            assertTrue(reassembly.bytesHeld() >= 0 && reassembly.bytesHeld() <= limits.maxHeldBytes());
        }
        System.out.println("Ipv6FuzzTest fragments: " + PACKETS + " packets: " + outcomes);
        for (String k : java.util.List.of("HELD", "Reassembled", "Whole", "BAD_LENGTH", "malformed")) {
            assertTrue(outcomes.getOrDefault(k, 0) > 0, k + " never reached: " + outcomes);
        }
    }
}
