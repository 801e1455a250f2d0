package synack.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dissector.dissect must never throw, whatever arrives from the wire. */
class DissectorFuzzTest {
    static final int FRAMES = 100_000;

    static byte[][] seeds() {
        MacAddress us = MacAddress.parse("02:00:00:00:00:02");
        byte[] arp = ArpPacket.request(us, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toFrame(us);
        byte[] ip = new EthernetFrame(MacAddress.BROADCAST, us, EthernetFrame.TYPE_IPV4, MalformedFrameTest.ipv4()).toBytes();
        byte[] big = new EthernetFrame(MacAddress.BROADCAST, us, EthernetFrame.TYPE_IPV4, new byte[300]).toBytes();
        big[14] = 0x46; // IPv4 with 4 bytes of options
        big[16] = 0x01;
        big[17] = 0x00;
        return new byte[][] {arp, ip, big};
    }

    static byte[] mutate(Random r, byte[][] seeds) {
        switch (r.nextInt(4)) {
            case 0: { // pure noise of any length, sometimes with an interesting EtherType
                byte[] b = new byte[r.nextInt(120)];
                r.nextBytes(b);
                if (b.length >= 14 && r.nextBoolean()) {
                    b[12] = 0x08;
                    b[13] = (byte) (r.nextBoolean() ? 0x00 : 0x06);
                }
                return b;
            }
            case 1: { // a valid frame cut anywhere
                byte[] s = seeds[r.nextInt(seeds.length)];
                return Arrays.copyOf(s, r.nextInt(s.length + 1));
            }
            case 2: { // a valid frame with a few bytes changed in its headers
                byte[] b = seeds[r.nextInt(seeds.length)].clone();
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b[12 + r.nextInt(Math.min(b.length, 48) - 12)] = (byte) r.nextInt(256);
                }
                return b;
            }
            default: { // changed and cut
                byte[] b = seeds[r.nextInt(seeds.length)].clone();
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                b[14 + r.nextInt(20)] = (byte) r.nextInt(256);
                return Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
        }
    }

    @Test
    void neverThrowsAndAlwaysSaysSomething() {
        Random r = new Random(20240917L);
        byte[][] seeds = seeds();
        java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] frame = mutate(r, seeds);
            List<Layer> layers;
            try {
                layers = Dissector.dissect(frame);
            } catch (RuntimeException e) {
                fail("frame " + i + " (" + HexFormat.of().formatHex(frame) + ") threw " + e, e);
                return;
            }
            assertFalse(layers.isEmpty(), "frame " + i);
            assertNotNull(Dissector.summary(layers));
            outcomes.merge(layers.get(layers.size() - 1).name(), 1, Integer::sum);
        }
        // the mutations reach every path: decoded ARP and IPv4, plain Ethernet, and each kind of malformed
        for (String kind : List.of("arp", "ip", "eth", "malformed")) {
            org.junit.jupiter.api.Assertions.assertTrue(outcomes.getOrDefault(kind, 0) > 1000, outcomes.toString());
        }
    }
}
