package synack.exchange.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import synack.wire.DnsMessage;
import synack.wire.DnsType;

/**
 * The words of a DNS answer, made in one place from its typed records: dig's record lines and
 * sections, the data lines -q prints, counts. The exchanges keep the records; only this turns
 * them into text, so every command says an answer the same way.
 */
public final class AnswerText {
    private AnswerText() {}

    /** One record as dig lays it out: owner, TTL, class, type, data. */
    public static String line(DnsMessage.Record r) {
        return String.format(Locale.ROOT, "%-24s %6d  IN  %-6s %s", r.name(), r.ttl(), DnsType.name(r.type()), r.rdataText());
    }

    /** The header and every section of a reply, as dig's ";; ->>HEADER<<-" block says it. */
    public static String sections(DnsMessage reply) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "status %s, id 0x%04x, flags: %s; question %d, answer %d, authority %d, additional %d",
                reply.rcodeName(), reply.id(), reply.flagNames(), reply.questions().size(), reply.answers().size(),
                reply.authority().size(), reply.additional().size()));
        if (reply.ednsUdpSize() > 0) {
            sb.append("; EDNS udp=").append(reply.ednsUdpSize());
        }
        section(sb, "ANSWER", reply.answers());
        section(sb, "AUTHORITY", reply.authority());
        section(sb, "ADDITIONAL", RecordFields.data(reply.additional()));
        return sb.toString();
    }

    private static void section(StringBuilder sb, String name, List<DnsMessage.Record> records) {
        if (records.isEmpty()) {
            return;
        }
        sb.append('\n').append(name).append(':');
        for (DnsMessage.Record r : records) {
            sb.append('\n').append("  ").append(line(r));
        }
    }

    /** The data of each record, one per line: what -q prints. */
    public static List<String> data(List<DnsMessage.Record> records) {
        List<String> lines = new ArrayList<>(records.size());
        for (DnsMessage.Record r : records) {
            lines.add(r.rdataText());
        }
        return lines;
    }

    /** "1 answer", "3 answers". */
    public static String answers(int n) {
        return n + " answer" + (n == 1 ? "" : "s");
    }
}
