package synack.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.capture.CaptureFormatException;
import synack.capture.CaptureReader;
import synack.event.Event;

/**
 * 100,000 damaged captures (seeded: the same every run) through the whole of explain — reader,
 * decoder (IPv4 and IPv6: lo-http.pcap and veth6-http-dns.pcap carry both), the TCP, HTTP, TLS, DNS and ARP observers, the result — and nothing escapes but
 * CaptureFormatException from opening. The mutations aim at what the observers read: bytes of the
 * packets (flags, sequence numbers, lengths, DNS and HTTP bytes), records repeated (a
 * retransmission the capture made up) and records swapped (reordering), besides cut files.
 */
class ExplainFuzzTest {
    static final int RUNS = 100_000;

    static byte[] fixture(String name) {
        try (InputStream in = ExplainFuzzTest.class.getResourceAsStream("/captures/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void damagedCapturesAreToldNeverThrown() throws IOException {
        // little-endian pcap files (records are easy to find and move), every link type and both protocols' stories
        List<byte[]> seeds = List.of(fixture("lo-http.pcap"), fixture("lo-http-snap96.pcap"), fixture("any-http-sll.pcap"),
                fixture("any-http-sll2.pcap"), fixture("null-udp.pcap"), fixture("vlan-udp.pcap"), fixture("raw-udp.pcap"),
                fixture("veth6-http-dns.pcap"), fixture("veth6-ndp.pcap")); // IPv6: TCP, HTTP, DNS over UDP and TCP; NDP
        Random random = new Random(1616);
        long events = 0;
        long results = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] file = mutate(seeds.get(random.nextInt(seeds.size())), random);
            long[] counted = new long[2];
            Explainer[] x = new Explainer[1];
            List<synack.capture.CaptureProblem> early = new ArrayList<>();
            CaptureReader reader;
            try {
                reader = CaptureReader.of(new ByteArrayInputStream(file), "fuzz", p -> {
                    if (x[0] == null) {
                        early.add(p);
                    } else {
                        x[0].problem(p);
                    }
                });
            } catch (CaptureFormatException e) {
                continue;
            }
            x[0] = new Explainer(e -> {
                counted[0]++;
                if (e instanceof Event.Result) {
                    counted[1]++;
                }
            }, new Explainer.Settings(null, random.nextInt(8) == 0 ? 0 : null));
            early.forEach(x[0]::problem);
            Explainer.Seen seen = x[0].run(reader, "fuzz");
            Event.Result r = ExplainStory.result(x[0], seen, new ExplainChecks(true, true, 1.0, "2xx"));
            assertTrue(r.lines().size() >= 0 && r.summary() != null);
            events += counted[0];
            results++;
        }
        assertTrue(results > RUNS / 2, "most mutations keep the magic, so the observers are what is tested: " + results);
        assertTrue(events > RUNS * 5L, "events were told: " + events);
    }

    /** The records of a little-endian µs pcap: {offset, length} of each, header included. */
    static List<int[]> records(byte[] b) {
        List<int[]> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        while (at + 16 <= b.length) {
            long caplen = Integer.toUnsignedLong(buf.getInt(at + 8));
            if (at + 16 + caplen > b.length) {
                break;
            }
            out.add(new int[] {at, 16 + (int) caplen});
            at += 16 + (int) caplen;
        }
        return out;
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            List<int[]> recs = records(b);
            switch (random.nextInt(6)) {
                case 0, 1 -> { // bytes inside a packet: flags, numbers, lengths, payload
                    if (!recs.isEmpty()) {
                        int[] r = recs.get(random.nextInt(recs.size()));
                        int at = r[0] + 16 + random.nextInt(Math.max(1, r[1] - 16));
                        if (at < b.length) {
                            b[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (b[at] ^ (1 << random.nextInt(8)));
                        }
                    }
                }
                case 2 -> { // a record repeated just after itself
                    if (!recs.isEmpty()) {
                        int[] r = recs.get(random.nextInt(recs.size()));
                        byte[] out = new byte[b.length + r[1]];
                        System.arraycopy(b, 0, out, 0, r[0] + r[1]);
                        System.arraycopy(b, r[0], out, r[0] + r[1], r[1]);
                        System.arraycopy(b, r[0] + r[1], out, r[0] + 2 * r[1], b.length - r[0] - r[1]);
                        b = out;
                    }
                }
                case 3 -> { // two neighbouring records swapped
                    if (recs.size() >= 2) {
                        int k = random.nextInt(recs.size() - 1);
                        int[] p = recs.get(k);
                        int[] q = recs.get(k + 1);
                        byte[] out = b.clone();
                        System.arraycopy(b, q[0], out, p[0], q[1]);
                        System.arraycopy(b, p[0], out, p[0] + q[1], p[1]);
                        b = out;
                    }
                }
                case 4 -> { // a record dropped (the capture missed it)
                    if (!recs.isEmpty()) {
                        int[] r = recs.get(random.nextInt(recs.size()));
                        byte[] out = new byte[b.length - r[1]];
                        System.arraycopy(b, 0, out, 0, r[0]);
                        System.arraycopy(b, r[0] + r[1], out, r[0], b.length - r[0] - r[1]);
                        b = out;
                    }
                }
                default -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // the file cut anywhere
            }
        }
        return b;
    }
}
