package synack.exchange.dns;

import java.util.Locale;

/** How a DNS message travels: a UDP datagram, or over TCP behind a two-byte length (RFC 7766). */
public enum DnsTransport {
    UDP,
    TCP;

    /** The name in JSON results ("udp", "tcp"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
