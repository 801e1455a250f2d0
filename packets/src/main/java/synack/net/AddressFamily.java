package synack.net;

import synack.wire.DnsType;
import synack.wire.IpAddress;

/**
 * Which IP family a command wants: for a name, the record asked (A or AAAA) and the hosts file's
 * lines read; for a name server, the transport (dig's -4 / -6).
 */
public enum AddressFamily {
    IPV4, IPV6;

    public static AddressFamily of(IpAddress address) {
        return address.ipv6() ? IPV6 : IPV4;
    }

    public boolean holds(IpAddress address) {
        return address.ipv6() == (this == IPV6);
    }

    /** The record type that maps a name to an address of this family. */
    public int recordType() {
        return this == IPV6 ? DnsType.AAAA : DnsType.A;
    }

    /** "IPv4", "IPv6", as the narration says it. */
    public String label() {
        return this == IPV6 ? "IPv6" : "IPv4";
    }

    /** "ipv4", "ipv6", as JSON results say it. */
    public String key() {
        return this == IPV6 ? "ipv6" : "ipv4";
    }
}
