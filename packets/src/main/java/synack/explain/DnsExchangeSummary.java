package synack.explain;

import synack.exchange.dns.DnsQueryState;
import synack.exchange.dns.DnsTransport;

/**
 * One DNS transaction of a capture, as {@link DnsObserver} ends up with it. {@code index} counts
 * transactions from 0 in the order their first message was seen (like tshark's stream numbers).
 * {@code name}/{@code type} are the question's (null / -1 for an answer carrying none); {@code rcode}
 * is the answer's name ("NOERROR"), null when unanswered; {@code rttMicros} is from the latest query
 * before the answer, -1 when unanswered or when the query is not in the capture. {@code tcpStream} is
 * the TCP connection (-1 over UDP); {@code truncated} the answer had TC set; {@code retriedOverTcpStream}
 * the stream where a truncated UDP answer's question went again (-1 for none). {@code queries}: how many
 * times the query was seen (retransmissions included; 0 when it is not in the capture).
 */
public record DnsExchangeSummary(int index, synack.wire.IpAddress clientIp, int clientPort, synack.wire.IpAddress serverIp, int serverPort, int id, String name,
                                 int type, String rcode, int answers, long rttMicros, DnsTransport transport, int tcpStream,
                                 boolean truncated, int retriedOverTcpStream, int queries, DnsQueryState state) {
    /** True when an answer matched the query (whatever its rcode). */
    public boolean answered() {
        return rcode != null;
    }
}
