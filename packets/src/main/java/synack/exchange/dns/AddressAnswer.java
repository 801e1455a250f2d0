package synack.exchange.dns;

import java.util.Map;
import synack.event.Event;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.Ip4;

/**
 * The address a name resolved to, as a command wants it from an A answer: the first A record
 * (reached directly or through CNAMEs), its TTL, and the alias it came through. One place for
 * every command that needs a name turned into an address (http-get's journey, syn-probe NAME).
 */
public record AddressAnswer(String name, int address, long ttlSeconds, String viaAlias) {
    /** The first well-formed A record of the answer, or null when it holds none. */
    public static AddressAnswer of(String name, DnsMessage answer) {
        String asked = answer.questions().isEmpty() ? name : answer.questions().get(0).name();
        for (DnsMessage.Record rec : answer.answers()) {
            if (rec.type() == DnsType.A && rec.rdata().length == 4) {
                return new AddressAnswer(name, rec.address(), rec.ttl(), DnsName.same(rec.name(), asked) ? null : rec.name());
            }
        }
        return null;
    }

    /** "www.synack.test is 198.18.2.2 (via CNAME web.synack.test.)", told as a note. */
    public Event.Note note(long now) {
        return new Event.Note(now, Event.Note.Kind.INFO, name + " is " + Ip4.toString(address)
                + (viaAlias == null ? "" : " (via CNAME " + viaAlias + ")"), Map.of());
    }
}
