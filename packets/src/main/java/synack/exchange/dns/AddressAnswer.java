package synack.exchange.dns;

import java.util.Map;
import synack.event.Event;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.IpAddress;

/**
 * The address a name resolved to, as a command wants it from an A or AAAA answer: the first
 * record of the type asked (reached directly or through CNAMEs), its TTL, and the alias it came
 * through. One place for every command that needs a name turned into an address (http-get's
 * journey, syn-probe NAME, handshake NAME over IPv6).
 */
public record AddressAnswer(String name, IpAddress ip, long ttlSeconds, String viaAlias) {
    /** The first well-formed A record of the answer, or null when it holds none. */
    public static AddressAnswer of(String name, DnsMessage answer) {
        return of(name, answer, DnsType.A);
    }

    /** The first well-formed record of {@code type} (A or AAAA) in the answer, or null when it holds none. */
    public static AddressAnswer of(String name, DnsMessage answer, int type) {
        int length = type == DnsType.AAAA ? 16 : 4;
        String asked = answer.questions().isEmpty() ? name : answer.questions().get(0).name();
        for (DnsMessage.Record rec : answer.answers()) {
            if (rec.type() == type && rec.rdata().length == length) {
                IpAddress ip = type == DnsType.AAAA ? IpAddress.of(rec.rdata()) : IpAddress.of(rec.address());
                return new AddressAnswer(name, ip, rec.ttl(), DnsName.same(rec.name(), asked) ? null : rec.name());
            }
        }
        return null;
    }

    /** The IPv4 address (an A answer's). */
    public int address() {
        return ip.v4();
    }

    /** "www.synack.test is 198.18.2.2 (via CNAME web.synack.test.)", told as a note. */
    public Event.Note note(long now) {
        return new Event.Note(now, Event.Note.Kind.INFO, name + " is " + ip + (viaAlias == null ? "" : " (via CNAME " + viaAlias + ")"),
                Map.of());
    }
}
