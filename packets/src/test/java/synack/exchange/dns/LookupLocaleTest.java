package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.tcp.TcpConnection;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Dissector;
import synack.wire.Ip4;
import synack.wire.Layer;

/**
 * What a lookup tells does not depend on the JVM's default locale: under Turkish, "QUERY_SENT"
 * lower-cased is "query_sent" only with Locale.ROOT (the default gives a dotless ı for I), and
 * under Arabic or Persian String.format writes its digits in another script.
 */
class LookupLocaleTest {
    static final int SERVER = Ip4.parse("198.18.2.2");

    /** A truncated answer over UDP, then the whole one over TCP: both transports, every event kind. */
    static List<String> story() {
        DnsMessage.Record a = DnsMessage.Record.a("www.synack.test.", 300, Ip4.parse("198.18.2.2"));
        SimulatedDnsServers servers = new SimulatedDnsServers()
                .server(SERVER, q -> SimulatedDnsServers.reply(q, DnsMessage.AA | DnsMessage.TC, List.of(), List.of(), List.of()))
                .tcp(SERVER, 53, q -> SimulatedDnsServers.reply(q, DnsMessage.AA, List.of(a, a), List.of(), List.of()));
        DnsMessage query = DnsMessage.query(0x1a2b, "www.synack.test", DnsType.A, true, 1232);
        DnsLookup lookup = new DnsLookup(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER,
                SimulatedDnsServers.US_IP, SERVER, 53), query, new DnsLookup.Settings(2, 1_000_000, false, 40_000,
                TcpConnection.Config.defaults(40_001, 53, 0x1000_0000).withMsl(100_000), List.of(), null), 1);
        DnsRun run = DnsRun.of(servers, lookup);
        List<String> told = new ArrayList<>();
        for (Event e : run.events) {
            if (e instanceof Event.Frame f) {
                StringBuilder layers = new StringBuilder(f.remark().text());
                for (Layer l : Dissector.dissect(f.bytes())) {
                    layers.append(' ').append(l.name()).append(l.fields()).append(' ').append(l.summary());
                }
                told.add("frame " + layers);
            } else if (e instanceof Event.Transition t) {
                told.add("transition " + t.subject() + " " + t.from() + " " + t.to() + " " + t.cause() + " " + t.why());
            } else if (e instanceof Event.Note n) {
                told.add("note " + n.kind() + " " + n.text() + " " + n.fields());
            } else if (e instanceof Event.Result r) {
                told.add("result " + r.verdict() + " " + r.lines() + " " + r.summary() + " " + r.fields());
            }
        }
        return told;
    }

    @Test
    void aLookupTellsTheSameInTurkishArabicAndPersian() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.ROOT);
            List<String> root = story();
            assertEquals(true, root.stream().anyMatch(s -> s.contains("QUERY_SENT")), "the story has states: " + root);
            for (Locale l : List.of(new Locale("tr"), new Locale("ar"), new Locale("fa"))) {
                Locale.setDefault(l);
                List<String> told = story();
                for (int i = 0; i < Math.max(root.size(), told.size()); i++) {
                    assertEquals(i < root.size() ? root.get(i) : null, i < told.size() ? told.get(i) : null, "in " + l + ", event " + i);
                }
            }
        } finally {
            Locale.setDefault(before);
        }
    }
}
