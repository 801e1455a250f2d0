package synack.cli.lab;

import java.util.List;
import synack.time.Clock;
import synack.link.PcapLink;
import synack.link.ReceivedFrame;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.UdpDatagram;

/**
 * A test injector, run in the lab's router namespace: it waits for the client's first DNS
 * query and races four forged replies to it before the real one — wrong ID, wrong port, wrong
 * question, and a malformed message (a compression pointer loop) with the right ID and port.
 * synack must annotate and ignore all four and accept only the server's reply.
 */
public final class DnsForger {
    public static void main(String[] args) throws Exception {
        String iface = args[0];
        MacAddress ourMac = MacAddress.parse(java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net/" + iface + "/address")).trim());
        try (PcapLink link = PcapLink.open(iface, "udp and dst port 53 and src host 198.18.1.2")) {
            System.out.println("ready");
            System.out.flush();
            long deadline = Clock.SYSTEM.nowMicros() + 20_000_000;
            ReceivedFrame f;
            while ((f = link.receive(deadline)) != null) {
                EthernetFrame eth = EthernetFrame.parse(f.bytes());
                Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
                UdpDatagram udp = UdpDatagram.parse(ip.payload(), ip.source(), ip.destination());
                DnsMessage q = DnsMessage.parse(udp.payload());
                DnsMessage.Question question = q.questions().get(0);
                byte[] evil = {6, 6, 6, 6};
                DnsMessage.Record lie = new DnsMessage.Record(question.name(), DnsType.A, DnsType.IN, 60, evil, "6.6.6.6");
                int flags = DnsMessage.QR | DnsMessage.RD | DnsMessage.RA;
                DnsMessage wrongId = new DnsMessage(q.id() ^ 0x5a5a, flags, q.questions(), List.of(lie), List.of(), List.of());
                DnsMessage wrongQuestion = new DnsMessage(q.id(), flags,
                        List.of(new DnsMessage.Question("evil.synack.test.", DnsType.A, DnsType.IN)), List.of(lie), List.of(), List.of());
                DnsMessage right = new DnsMessage(q.id(), flags, q.questions(), List.of(lie), List.of(), List.of());
                send(link, ourMac, eth.source(), ip, udp.sourcePort(), wrongId.toBytes());
                send(link, ourMac, eth.source(), ip, udp.sourcePort() ^ 1, right.toBytes());
                send(link, ourMac, eth.source(), ip, udp.sourcePort(), wrongQuestion.toBytes());
                // header: right ID, QR, 1 question whose name is a pointer to itself (offset 12)
                byte[] loop = {(byte) (q.id() >>> 8), (byte) q.id(), (byte) 0x81, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
                    (byte) 0xc0, 12, 0, 1, 0, 1};
                send(link, ourMac, eth.source(), ip, udp.sourcePort(), loop);
                System.out.println("forged 4 replies to " + Ip4.toString(ip.source()) + ":" + udp.sourcePort());
                return;
            }
            System.out.println("no query seen");
        }
    }

    private static void send(PcapLink link, MacAddress from, MacAddress to, Ipv4Packet query, int port, byte[] dns) throws Exception {
        link.send(Frames.udp(from, to, query.destination(), query.source(), 4242, UdpDatagram.of(53, port, dns)));
    }
}
