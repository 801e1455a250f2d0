package synack.exchange.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;

/**
 * An authoritative-only name server in a few lines, as nsd answers (RFC 1034 section 4.3.2):
 * for a name inside one of its zones it gives the records (AA), follows CNAMEs that stay inside
 * the zone, says NXDOMAIN for a name that does not exist; for a name below a zone cut it refers
 * (NS in AUTHORITY, and the addresses of those servers, A and AAAA, in ADDITIONAL when it holds them: glue).
 * Records keep the case they are written in, so a test can serve {@code WWW.Synack.TEST.}.
 */
final class Authority implements Function<DnsMessage, DnsMessage> {
    private final List<String> zones;
    private final List<DnsMessage.Record> data = new ArrayList<>();
    /** Echo the question in capitals (a server may: names compare without case). */
    private boolean shout;

    Authority(String... zones) {
        this.zones = List.of(zones);
    }

    Authority with(DnsMessage.Record... records) {
        data.addAll(List.of(records));
        return this;
    }

    Authority a(String owner, String address) {
        return with(DnsMessage.Record.a(owner, 300, synack.wire.Ip4.parse(address)));
    }

    Authority aaaa(String owner, String address) {
        return with(DnsMessage.Record.of(owner, DnsType.AAAA, 300, synack.wire.IpAddress.parse(address).bytes()));
    }

    Authority ns(String owner, String server) {
        return with(DnsMessage.Record.pointing(owner, DnsType.NS, 3600, server));
    }

    Authority cname(String owner, String target) {
        return with(DnsMessage.Record.pointing(owner, DnsType.CNAME, 300, target));
    }

    Authority shoutingQuestions() {
        shout = true;
        return this;
    }

    @Override
    public DnsMessage apply(DnsMessage query) {
        DnsMessage.Question q = query.questions().get(0);
        DnsMessage asked = shout ? new DnsMessage(query.id(), query.flags(), List.of(new DnsMessage.Question(
                q.name().toUpperCase(Locale.ROOT), q.type(), q.klass())), List.of(), List.of(), List.of()) : query;
        String zone = zoneOf(q.name());
        if (zone == null) {
            return SimulatedDnsServers.reply(asked, 5, List.of(), List.of(), List.of()); // REFUSED: not ours
        }
        List<DnsMessage.Record> answers = new ArrayList<>();
        String name = q.name();
        for (int links = 0; links < 8; links++) {
            List<DnsMessage.Record> cut = cutAbove(name, zone);
            if (!cut.isEmpty()) {
                return answers.isEmpty() ? SimulatedDnsServers.reply(asked, 0, List.of(), cut, glue(cut))
                        : SimulatedDnsServers.reply(asked, DnsMessage.AA, answers, List.of(), List.of());
            }
            List<DnsMessage.Record> here = at(name, q.type());
            if (!here.isEmpty()) {
                answers.addAll(here);
                return SimulatedDnsServers.reply(asked, DnsMessage.AA, answers, List.of(), List.of());
            }
            List<DnsMessage.Record> alias = at(name, DnsType.CNAME);
            if (alias.isEmpty()) {
                String missing = name;
                boolean exists = data.stream().anyMatch(r -> DnsName.isAtOrBelow(r.name(), missing));
                return SimulatedDnsServers.reply(asked, DnsMessage.AA | (exists || !answers.isEmpty() ? 0 : 3), answers,
                        List.of(), List.of());
            }
            answers.add(alias.get(0));
            name = alias.get(0).target();
            if (!DnsName.isAtOrBelow(name, zone)) {
                break; // out of this zone: the resolver follows it from the root
            }
        }
        return SimulatedDnsServers.reply(asked, DnsMessage.AA, answers, List.of(), List.of());
    }

    /** The closest of our zones that holds the name, or null. */
    private String zoneOf(String name) {
        String best = null;
        for (String z : zones) {
            if (DnsName.isAtOrBelow(name, z) && (best == null || DnsName.isBelow(z, best))) {
                best = z;
            }
        }
        return best;
    }

    /** The NS records of the highest zone cut between the zone and the name (inclusive of the name), if any. */
    private List<DnsMessage.Record> cutAbove(String name, String zone) {
        List<DnsMessage.Record> best = List.of();
        for (DnsMessage.Record r : data) {
            if (r.type() == DnsType.NS && DnsName.isBelow(r.name(), zone) && DnsName.isAtOrBelow(name, r.name())
                    && (best.isEmpty() || DnsName.isBelow(best.get(0).name(), r.name()))) {
                String owner = r.name();
                best = data.stream().filter(x -> x.type() == DnsType.NS && DnsName.same(x.name(), owner)).toList();
            }
        }
        return best;
    }

    private List<DnsMessage.Record> glue(List<DnsMessage.Record> ns) {
        List<DnsMessage.Record> glue = new ArrayList<>();
        for (DnsMessage.Record n : ns) {
            glue.addAll(at(n.target(), DnsType.A));
            glue.addAll(at(n.target(), DnsType.AAAA));
        }
        return glue;
    }

    private List<DnsMessage.Record> at(String name, int type) {
        return data.stream().filter(r -> DnsName.same(r.name(), name) && (r.type() == type || type == DnsType.ANY)
                && !(type == DnsType.ANY && r.type() == DnsType.NS)).toList();
    }
}
