package synack.wire;

/**
 * What a captured frame begins with: the LINKTYPE_ numbers of pcap and pcapng files
 * (https://www.tcpdump.org/linktypes.html). synack's own frames are {@link #ETHERNET}; a capture
 * from elsewhere may hold any of these (tcpdump -i any writes Linux cooked headers, a tunnel raw IP).
 */
public enum LinkType {
    /** BSD loopback: a 4-byte address family in the writer's byte order. */
    NULL(0),
    ETHERNET(1),
    /** Raw IP: the frame is an IPv4 or IPv6 packet (LINKTYPE_RAW; DLT_RAW is 12 or 14 in memory, 101 in files). */
    RAW(101),
    /** OpenBSD loopback: a 4-byte address family in network byte order. */
    LOOP(108),
    /** Linux cooked capture v1 (tcpdump -i any before libpcap 1.10): a 16-byte pseudo-header. */
    LINUX_SLL(113),
    /** Raw IPv4 only. */
    IPV4(228),
    /** Raw IPv6 only. */
    IPV6(229),
    /** Linux cooked capture v2 (tcpdump -i any since libpcap 1.10): a 20-byte pseudo-header with the interface index. */
    LINUX_SLL2(276);

    private final int number;

    LinkType(int number) {
        this.number = number;
    }

    /** The LINKTYPE_ number as written in a pcap or pcapng file. */
    public int number() {
        return number;
    }

    /** The link type with this LINKTYPE_ number, or null for one synack does not decode. */
    public static LinkType of(int number) {
        for (LinkType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        return null;
    }
}
