package synack.cli.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import synack.cli.Main;
import synack.exchange.tcp.TcpWarmup;
import synack.link.PcapFileWriter;
import synack.wire.ArpPacket;
import synack.wire.Dissector;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * Loads what a one-liner loads — the command model, libpcap through JNA, the wire formats, the
 * TCP engine — without sending anything, so that the launcher can record those classes in a
 * class-data sharing archive once (-XX:ArchiveClassesAtExit) and every later start maps them.
 */
@Command(name = "train-startup", hidden = true, description = "Load the classes of a live command, for the launcher's CDS archive.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        CommandLine cli = Main.commandLine();
        for (String name : List.copyOf(cli.getSubcommands().keySet())) {
            cli.getSubcommands().get(name).getUsageMessage();
        }
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        Dissector.dissect(ArpPacket.request(mac, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toFrame(mac));
        Dissector.dissect(synack.wire.Frames.udp(mac, mac, 1, 2, 3, synack.wire.UdpDatagram.of(5353, 53,
                DnsMessage.query(1, "www.synack.test", DnsType.A, true, 1232).toBytes())));
        TcpWarmup.run();
        Path pcap = Files.createTempFile("synack-train", ".pcap");
        try (PcapFileWriter w = PcapFileWriter.open(pcap.toString())) {
            w.write(new byte[60], 0);
        } finally {
            Files.deleteIfExists(pcap);
        }
        return 0;
    }
}
