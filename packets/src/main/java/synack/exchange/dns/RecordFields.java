package synack.exchange.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.wire.DnsMessage;
import synack.wire.DnsType;

/** The JSON form of DNS records in results and answer notes: name, type, ttl and data (dig's presentation). */
public final class RecordFields {
    private RecordFields() {}

    public static List<Map<String, Object>> of(List<DnsMessage.Record> records) {
        List<Map<String, Object>> out = new ArrayList<>(records.size());
        for (DnsMessage.Record r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("type", DnsType.name(r.type()));
            m.put("ttl", r.ttl());
            m.put("data", r.rdataText());
            out.add(m);
        }
        return out;
    }

    /** The records that are data: without the OPT pseudo-record, which carries the sender's EDNS parameters. */
    public static List<DnsMessage.Record> data(List<DnsMessage.Record> records) {
        return records.stream().filter(r -> r.type() != DnsType.OPT).toList();
    }
}
