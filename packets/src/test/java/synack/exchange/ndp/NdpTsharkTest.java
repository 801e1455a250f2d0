package synack.exchange.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static synack.exchange.ndp.Peers.HOST;
import static synack.exchange.ndp.Peers.HOST_IP;
import static synack.exchange.ndp.Peers.ROUTER_LL;
import static synack.exchange.ndp.Peers.START;
import static synack.exchange.ndp.Peers.US;
import static synack.exchange.ndp.Peers.US_IP;
import static synack.exchange.ndp.Peers.US_LL;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.link.PcapFileWriter;
import synack.wire.Ip6;
import synack.wire.NdpOption;

/** tshark decodes every frame the NDP exchanges send (and the test's peers answer with) without an expert warning. */
class NdpTsharkTest {
    @TempDir
    Path dir;

    @Test
    void tsharkDecodesOurNdpFramesWithoutWarnings() throws IOException, InterruptedException {
        Assumptions.assumeTrue(tsharkPresent(), "tshark is not installed");
        List<byte[]> frames = List.of(
                NdpResolve.solicitation(US, US_IP, HOST_IP),
                DuplicateAddressProbe.probe(US, Ip6.parse("2001:db8:1::9")),
                RouterDiscovery.solicitation(US, US_LL),
                RouterDiscovery.solicitation(US, Ip6.unspecified()),
                Peers.solicitedAdvertisement(HOST, HOST_IP, true, HOST, US_IP, US),
                Peers.announcement(HOST, HOST_IP),
                Peers.routerAdvertisement(HOST, ROUTER_LL, 1800, List.of(new NdpOption.Mtu(1500),
                        new NdpOption.PrefixInformation(64, true, true, 86_400, 14_400, Ip6.parse("2001:db8:1::")),
                        new NdpOption.Rdnss(600, List.of(Ip6.parse("2001:db8:1::53"))))));
        Path pcap = dir.resolve("ndp.pcap");
        try (PcapFileWriter w = PcapFileWriter.open(pcap.toString())) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(frames.get(i), START + i * 1000L);
            }
        }
        List<String> types = tshark(pcap, "-T", "fields", "-e", "icmpv6.type", "-e", "icmpv6.checksum.status");
        assertEquals(List.of("135\t1", "135\t1", "133\t1", "133\t1", "136\t1", "136\t1", "134\t1"), types,
                "ICMPv6 types as sent, every checksum good (status 1)");
        String expert = String.join("\n", tshark(pcap, "-q", "-z", "expert"));
        assertFalse(expert.contains("Errors") || expert.contains("Warns"), expert);
    }

    private static boolean tsharkPresent() {
        try {
            return new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> tshark(Path pcap, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }
}
