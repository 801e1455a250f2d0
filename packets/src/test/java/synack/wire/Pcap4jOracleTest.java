package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;

/** pcap4j's own decoders and builders as an independent oracle for the bytes we build and read. */
class Pcap4jOracleTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");

    static org.pcap4j.packet.ArpPacket.ArpHeader decodeArp(byte[] frame) throws IllegalRawDataException {
        EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
        assertEquals(EtherType.ARP, eth.getHeader().getType());
        org.pcap4j.packet.ArpPacket arp = eth.get(org.pcap4j.packet.ArpPacket.class);
        assertNotNull(arp, "pcap4j found no ARP in " + eth);
        org.pcap4j.packet.ArpPacket.ArpHeader h = arp.getHeader();
        assertEquals(ArpHardwareType.ETHERNET, h.getHardwareType());
        assertEquals(EtherType.IPV4, h.getProtocolType());
        assertEquals(6, h.getHardwareAddrLength());
        assertEquals(4, h.getProtocolAddrLength());
        return h;
    }

    static int ip(Inet4Address a) {
        return Ip4.fromInet(a);
    }

    @Test
    void pcap4jReadsOurRequest() throws IllegalRawDataException {
        byte[] frame = ArpPacket.request(US, US_IP, GW_IP).toFrame(US);
        EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
        assertArrayEquals(MacAddress.BROADCAST.toBytes(), eth.getHeader().getDstAddr().getAddress());
        assertArrayEquals(US.toBytes(), eth.getHeader().getSrcAddr().getAddress());
        var h = decodeArp(frame);
        assertEquals(ArpOperation.REQUEST, h.getOperation());
        assertArrayEquals(US.toBytes(), h.getSrcHardwareAddr().getAddress());
        assertEquals(US_IP, ip((Inet4Address) h.getSrcProtocolAddr()));
        assertArrayEquals(MacAddress.ZERO.toBytes(), h.getDstHardwareAddr().getAddress());
        assertEquals(GW_IP, ip((Inet4Address) h.getDstProtocolAddr()));
        // the 18 bytes after the ARP body are Ethernet padding, not part of ARP
        assertEquals(18, eth.getPad().length);
    }

    @Test
    void pcap4jReadsOurReply() throws IllegalRawDataException {
        byte[] frame = new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).toFrame(GW);
        EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
        assertArrayEquals(US.toBytes(), eth.getHeader().getDstAddr().getAddress());
        var h = decodeArp(frame);
        assertEquals(ArpOperation.REPLY, h.getOperation());
        assertArrayEquals(GW.toBytes(), h.getSrcHardwareAddr().getAddress());
        assertEquals(GW_IP, ip((Inet4Address) h.getSrcProtocolAddr()));
        assertArrayEquals(US.toBytes(), h.getDstHardwareAddr().getAddress());
        assertEquals(US_IP, ip((Inet4Address) h.getDstProtocolAddr()));
    }

    @Test
    void pcap4jReadsOurProbeAndAnnouncement() throws IllegalRawDataException {
        var probe = decodeArp(ArpPacket.probe(US, US_IP).toFrame(US));
        assertEquals(ArpOperation.REQUEST, probe.getOperation());
        assertEquals(0, ip((Inet4Address) probe.getSrcProtocolAddr()));
        assertEquals(US_IP, ip((Inet4Address) probe.getDstProtocolAddr()));
        var announce = decodeArp(ArpPacket.announcement(US, US_IP).toFrame(US));
        assertEquals(US_IP, ip((Inet4Address) announce.getSrcProtocolAddr()));
        assertEquals(US_IP, ip((Inet4Address) announce.getDstProtocolAddr()));
    }

    @Test
    void weReadAFramePcap4jBuilt() throws MalformedFrameException {
        org.pcap4j.packet.ArpPacket.Builder arp = new org.pcap4j.packet.ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) 6)
                .protocolAddrLength((byte) 4)
                .operation(ArpOperation.REPLY)
                .srcHardwareAddr(org.pcap4j.util.MacAddress.getByAddress(GW.toBytes()))
                .srcProtocolAddr(Ip4.toInet(GW_IP))
                .dstHardwareAddr(org.pcap4j.util.MacAddress.getByAddress(US.toBytes()))
                .dstProtocolAddr(Ip4.toInet(US_IP));
        byte[] raw = new EthernetPacket.Builder()
                .dstAddr(org.pcap4j.util.MacAddress.getByAddress(US.toBytes()))
                .srcAddr(org.pcap4j.util.MacAddress.getByAddress(GW.toBytes()))
                .type(EtherType.ARP)
                .payloadBuilder(arp)
                .paddingAtBuild(true)
                .build()
                .getRawData();
        assertEquals(60, raw.length);
        EthernetFrame eth = EthernetFrame.parse(raw);
        assertEquals(US, eth.destination());
        assertEquals(GW, eth.source());
        assertEquals(new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP), ArpPacket.parse(eth.payload()));
        // and byte for byte what we would have built
        assertArrayEquals(raw, new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).toFrame(GW));
    }

    @Test
    void weReadAnIpv4HeaderPcap4jBuiltAndAgreeOnItsChecksum() throws MalformedFrameException {
        IpV4Packet.Builder ip = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 0x1234)
                .dontFragmentFlag(true)
                .ttl((byte) 64)
                .protocol(IpNumber.UDP)
                .srcAddr(Ip4.toInet(US_IP))
                .dstAddr(Ip4.toInet(GW_IP))
                .payloadBuilder(new UnknownPacket.Builder().rawData(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        byte[] raw = new EthernetPacket.Builder()
                .dstAddr(org.pcap4j.util.MacAddress.getByAddress(GW.toBytes()))
                .srcAddr(org.pcap4j.util.MacAddress.getByAddress(US.toBytes()))
                .type(EtherType.IPV4)
                .payloadBuilder(ip)
                .paddingAtBuild(true)
                .build()
                .getRawData();
        EthernetFrame eth = EthernetFrame.parse(raw);
        Ipv4Packet p = Ipv4Packet.parse(eth.payload());
        assertTrue(p.checksumValid(), "pcap4j's checksum should verify");
        assertEquals(28, p.totalLength());
        assertEquals(0x1234, p.identification());
        assertEquals(0x4000, p.flagsAndFragment());
        assertEquals(64, p.ttl());
        assertEquals(Ipv4Packet.PROTO_UDP, p.protocol());
        assertEquals(US_IP, p.source());
        assertEquals(GW_IP, p.destination());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, p.payload()); // padding excluded by total length
        assertEquals(0, p.options().length);
        assertEquals(Checksum.compute(eth.payload(), 0, 20), 0);
    }
}
