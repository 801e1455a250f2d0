package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.capture.CaptureReader;
import synack.event.Event;

/**
 * veth6-ndp.pcap (make-fixtures.sh: ping -6 after a cache flush, then an address added without
 * nodad) told by explain's neighbour discovery observer, against tshark's decode of the same file
 * (veth6-ndp.pcap.explain.tsv): the solicitation as a who-has for tshark's target, the
 * advertisement as its is-at with tshark's link-layer address, the solicitation from :: as
 * duplicate address detection.
 */
class NdpObserverTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    @Test
    void solicitationsAdvertisementsAndDadAreToldAsTsharkDecodesThem() throws IOException {
        Path file = dir.resolve("veth6-ndp.pcap");
        try (InputStream in = getClass().getResourceAsStream("/captures/veth6-ndp.pcap")) {
            Files.write(file, in.readAllBytes());
        }
        List<String[]> golden = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/captures/veth6-ndp.pcap.explain.tsv")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    golden.add(line.split("\t", -1));
                }
            }
        }
        List<Event> events = new ArrayList<>();
        Explainer x = new Explainer(events::add, new Explainer.Settings(null, null));
        try (CaptureReader reader = CaptureReader.open(file, p -> { })) {
            x.run(reader, "veth6-ndp.pcap");
        }
        List<Map<String, Object>> told = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Note n && n.fields().get("ndp") instanceof Map<?, ?> m && m.get("op") != null) {
                told.add((Map<String, Object>) m);
            }
            if (e instanceof Event.Frame f) {
                words.add(f.remark().text());
            }
        }
        assertEquals(golden.size(), told.size(), "one story per solicitation and advertisement: " + told);
        long solicitation = -1;
        for (int i = 0; i < golden.size(); i++) {
            String[] g = golden.get(i);
            Map<String, Object> t = told.get(i);
            assertEquals(Long.parseLong(g[0]), t.get("frame"));
            if (g[3].equals("135")) {
                assertEquals(g[4], t.get("target"));
                if (g[1].equals("::")) {
                    assertEquals(NdpFinding.DAD_PROBE.key(), t.get("finding"));
                } else {
                    assertEquals(NdpFinding.SOLICITATION.key(), t.get("finding"));
                    assertEquals(g[1], t.get("source"));
                    assertTrue(words.get(i).startsWith("who-has: " + g[1]), words.get(i));
                    solicitation = Long.parseLong(g[0]);
                }
            } else {
                assertEquals("136", g[3]);
                assertEquals(g[5], t.get("target"));
                assertEquals(g[6], t.get("mac"));
                assertEquals("1".equals(g[7]), t.get("solicited"));
                assertEquals(NdpFinding.ADVERTISEMENT.key(), t.get("finding"));
                assertEquals(solicitation, t.get("answers"), "the advertisement answers the solicitation before it");
                assertTrue(words.get(i).startsWith("is-at: " + g[5] + " is at " + g[6]), words.get(i));
            }
        }
    }

    @Test
    void aSolicitationNeverAnsweredIsToldAtTheEnd() {
        List<Event> events = new ArrayList<>();
        NdpObserver ndp = new NdpObserver(events::add);
        byte[] a = synack.wire.Ip6.parse("2001:db8:77::1");
        byte[] target = synack.wire.Ip6.parse("2001:db8:77::9");
        byte[] packet = synack.wire.NdpMessage.neighborSolicitation(a, target, synack.wire.MacAddress.parse("02:00:00:00:00:01"));
        for (int i = 1; i <= 2; i++) {
            synack.capture.CapturedFrame f = new synack.capture.CapturedFrame(i, i * 1_000_000_000L, 0, synack.wire.LinkType.RAW,
                    packet.length, packet);
            synack.capture.DecodedFrame d = synack.capture.FrameDecoder.decode(f);
            assertTrue(NdpObserver.isNeighbourDiscovery(d));
            ndp.ndp(d);
        }
        ndp.finish(3_000_000);
        List<String> findings = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Note n && n.fields().get("ndp") instanceof Map<?, ?> m) {
                findings.add((String) m.get("finding"));
            }
        }
        assertEquals(List.of(NdpFinding.SOLICITATION.key(), NdpFinding.RETRY.key(), NdpFinding.UNANSWERED.key()), findings);
    }
}
