package synack.exchange.dns;

import java.util.ArrayList;
import java.util.List;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Hex;

/**
 * The words of a DNS answer, made in one place from its typed records: dig's record lines and
 * sections, the data lines -q prints, counts. The exchanges keep the records; only this turns
 * them into text, so every command says an answer the same way.
 */
public final class AnswerText {
    private AnswerText() {}

    /** One record as dig lays it out: owner, TTL, class, type, data. */
    public static String line(DnsMessage.Record r) {
        // what "%-24s %6d  IN  %-6s %s" writes, without a Formatter: a one-name lookup otherwise loads it, its
        // locale data and their ~40 classes for this line alone (issue 14: a one-liner's start and peak RSS)
        StringBuilder sb = new StringBuilder(64);
        padRight(sb, r.name(), 24).append(' ');
        String ttl = Long.toString(r.ttl());
        sb.append(" ".repeat(Math.max(0, 6 - ttl.length()))).append(ttl).append("  IN  ");
        padRight(sb, DnsType.name(r.type()), 6).append(' ').append(r.rdataText());
        return sb.toString();
    }

    private static StringBuilder padRight(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** The header and every section of a reply, as dig's ";; ->>HEADER<<-" block says it. */
    public static String sections(DnsMessage reply) {
        StringBuilder sb = new StringBuilder();
        sb.append("status ").append(reply.rcodeName()).append(", id ").append(Hex.u16(reply.id()))
                .append(", flags: ").append(reply.flagNames()).append("; question ").append(reply.questions().size())
                .append(", answer ").append(reply.answers().size()).append(", authority ").append(reply.authority().size())
                .append(", additional ").append(reply.additional().size());
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
