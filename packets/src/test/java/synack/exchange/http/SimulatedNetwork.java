package synack.exchange.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import synack.link.ReceivedFrame;
import synack.net.LocalInterface;
import synack.net.Route;
import synack.wire.ArpPacket;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * The far end of an in-memory wire for http-get's journey: a router (198.18.1.1) that answers
 * ARP, and behind it a DNS server (UDP, and TCP for what it truncated) and web servers, each a
 * {@link SimulatedTcp} with a request handler. Everything it saw is kept for the tests: the
 * ARP requests, the DNS queries with their source ports, the requests each connection carried,
 * and a log of what reached the wire in order.
 */
final class SimulatedNetwork {
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:0a");
    static final int OUR_IP = Ip4.parse("198.18.1.2");
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final int ROUTER_IP = Ip4.parse("198.18.1.1");
    static final int DNS_IP = Ip4.parse("198.18.0.53");
    static final LocalInterface ETH = new LocalInterface("eth0", OUR_MAC, List.of(new LocalInterface.Address(OUR_IP, 24)), true, 1500);

    /** An HTTP answer: the bytes as sent, and whether the server closes after them. */
    record Reply(byte[] bytes, boolean close) {
        static Reply of(String head, byte[] body, boolean close) {
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            return new Reply(all, close);
        }

        /** 200 with a Content-Length body; {@code extraHeaders} each end in CRLF. */
        static Reply ok(String body, String extraHeaders) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            return of("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n" + extraHeaders + "\r\n",
                    b, extraHeaders.toLowerCase(Locale.ROOT).contains("connection: close"));
        }
    }

    /** A request as a web server saw it: which server, which connection (its client port), the request line. */
    record Seen(int serverIp, int clientPort, String requestLine, String head, byte[] body) {
        /** A header field's value in the request, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    final Map<String, Integer> zone = new HashMap<>();
    /** The names' AAAA records (a name without one: NOERROR, no answer). */
    final Map<String, synack.wire.IpAddress> zone6 = new HashMap<>();
    /** How much later than at once the name server answers a query of a type (DnsType → µs); the frame is injected then. */
    final Map<Integer, Long> answerDelay = new HashMap<>();
    /** Where a delayed answer goes: the client's end of the wire, at a time (set by JourneyRun). */
    java.util.function.BiConsumer<byte[], Long> later;
    final Map<Integer, Map<Integer, SimulatedTcp>> web = new HashMap<>();
    final List<Seen> requests = new ArrayList<>();
    final List<Integer> dnsUdpPorts = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final SimulatedTcp dnsTcp = new SimulatedTcp(53, this::dnsOverTcp);
    /** The name server says TC over UDP and gives the answer only over TCP. */
    boolean truncateOverUdp;
    /** The name server never answers an AAAA query (else: NOERROR without a record for a name it has). */
    boolean aaaaSilent;
    int arpRequests;
    private int ipId;

    SimulatedNetwork name(String name, String ip) {
        zone.put(name, Ip4.parse(ip));
        return this;
    }

    SimulatedNetwork name6(String name, String ip) {
        zone6.put(name, synack.wire.IpAddress.parse(ip));
        return this;
    }

    /** A web server at {@code ip}:{@code port} answering each request head with the handler's reply. */
    SimulatedNetwork server(String ip, int port, Function<String, Reply> handler) {
        return server(ip, port, (head, body) -> handler.apply(head));
    }

    /** A web server whose handler sees each request's head and its body (framed by Content-Length). */
    SimulatedNetwork server(String ip, int port, java.util.function.BiFunction<String, byte[], Reply> handler) {
        int address = Ip4.parse(ip);
        web.computeIfAbsent(address, k -> new HashMap<>()).put(port, new SimulatedTcp(port, (c, stream) -> http(address, c, stream, handler)));
        return this;
    }

    /**
     * An https server: TLS (an SSLEngine server presenting {@code keystore}'s chain, speaking
     * {@code protocols}) around the same HTTP handler; its close says close_notify before its FIN.
     */
    SimulatedNetwork httpsServer(String ip, int port, String keystore, String[] protocols,
                                 java.util.function.BiFunction<String, byte[], Reply> handler) {
        return httpsServer(ip, port, keystore, protocols, handler, e -> e);
    }

    /** @param setup what is done to each connection's server engine before it starts (requiring a client certificate, say) */
    SimulatedNetwork httpsServer(String ip, int port, String keystore, String[] protocols,
                                 java.util.function.BiFunction<String, byte[], Reply> handler,
                                 java.util.function.UnaryOperator<synack.exchange.tls.TlsPair.EngineServer> setup) {
        int address = Ip4.parse(ip);
        Map<SimulatedTcp.Conn, Object[]> tls = new HashMap<>();
        web.computeIfAbsent(address, k -> new HashMap<>()).put(port, new SimulatedTcp(port, (c, stream) -> {
            Object[] side = tls.computeIfAbsent(c, k -> new Object[] {setup.apply(new synack.exchange.tls.TlsPair.EngineServer(keystore, protocols,
                    new String[] {"http/1.1"}, null)), new SimulatedTcp.Conn(c.clientIp, c.clientPort, c.serverPort, 0),
                    new java.io.ByteArrayOutputStream()});
            synack.exchange.tls.TlsPair.EngineServer engine = (synack.exchange.tls.TlsPair.EngineServer) side[0];
            SimulatedTcp.Conn plain = (SimulatedTcp.Conn) side[1];
            java.io.ByteArrayOutputStream plaintext = (java.io.ByteArrayOutputStream) side[2];
            byte[] fresh = Arrays.copyOfRange(stream, c.consumed, stream.length);
            c.consumed = stream.length;
            c.send(engine.receive(fresh));
            byte[] got = engine.takePlaintext();
            if (got.length > 0 && !plain.closeAfterSending) {
                plaintext.writeBytes(got);
                http(address, plain, plaintext.toByteArray(), handler);
                byte[] answer = plain.drain();
                if (answer.length > 0) {
                    c.send(engine.wrapOut(answer));
                }
                if (plain.closeAfterSending) {
                    c.send(engine.closeOut());
                    c.close();
                }
            }
            if (engine.failed() && !c.closeAfterSending) {
                c.close(); // after its alert
            }
        }));
        return this;
    }

    SimulatedTcp server(String ip, int port) {
        return web.get(Ip4.parse(ip)).get(port);
    }

    /** Every destination through the router, as a host with one default route would send it. */
    static Route route(int destination) {
        return new Route(ETH, OUR_IP, destination, ROUTER_IP, false, "default via 198.18.1.1 (test)");
    }

    private void http(int serverIp, SimulatedTcp.Conn c, byte[] stream, java.util.function.BiFunction<String, byte[], Reply> handler) {
        while (!c.closeAfterSending) {
            String text = new String(stream, c.consumed, stream.length - c.consumed, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return;
            }
            String head = text.substring(0, end + 2);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
            if (stream.length - c.consumed < end + 4 + bodyLength) {
                return; // the body is still on its way
            }
            byte[] body = Arrays.copyOfRange(stream, c.consumed + end + 4, c.consumed + end + 4 + bodyLength);
            c.consumed += end + 4 + bodyLength;
            requests.add(new Seen(serverIp, c.clientPort, head.substring(0, head.indexOf("\r\n")), head, body));
            Reply r = handler.apply(head, body);
            c.requestsAnswered++;
            c.send(r.bytes());
            if (r.close()) {
                c.close();
            }
        }
    }

    private void dnsOverTcp(SimulatedTcp.Conn c, byte[] stream) {
        if (stream.length - c.consumed < 2) {
            return;
        }
        int length = ((stream[c.consumed] & 0xff) << 8) | (stream[c.consumed + 1] & 0xff);
        if (stream.length - c.consumed < 2 + length) {
            return;
        }
        byte[] query = Arrays.copyOfRange(stream, c.consumed + 2, c.consumed + 2 + length);
        c.consumed += 2 + length;
        byte[] answer = answerDns(query, false);
        if (answer != null) {
            byte[] framed = new byte[answer.length + 2];
            framed[0] = (byte) (answer.length >>> 8);
            framed[1] = (byte) answer.length;
            System.arraycopy(answer, 0, framed, 2, answer.length);
            c.send(framed);
        }
    }

    /** The frames the network sends back for one frame of ours (the MemoryLink responder). */
    List<byte[]> answer(ReceivedFrame frame) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() == 0x86dd) {
                ipv6(eth.payload());
                return List.of(); // IPv6 is seen (logged), never answered: no neighbour answers a solicitation here
            }
            if (eth.etherType() == EthernetFrame.TYPE_ARP) {
                ArpPacket a = ArpPacket.parse(eth.payload());
                if (a.operation() == ArpPacket.REQUEST && a.targetIp() == ROUTER_IP) {
                    arpRequests++;
                    log.add("ARP who-has " + Ip4.toString(a.targetIp()));
                    return List.of(new ArpPacket(ArpPacket.REPLY, ROUTER_MAC, ROUTER_IP, a.senderMac(), a.senderIp()).toFrame(ROUTER_MAC));
                }
                return List.of();
            }
            Frames.Udp udp = Frames.parseUdp(frame.bytes());
            if (udp != null) {
                return udp(udp, frame.timeMicros());
            }
            Frames.Tcp tcp = Frames.parseTcp(frame.bytes());
            if (tcp != null) {
                return tcp(tcp);
            }
        } catch (MalformedFrameException e) {
            throw new AssertionError("we sent a malformed frame", e);
        }
        return List.of();
    }

    /** Logs an IPv6 packet of ours: "NS" for a neighbour solicitation, "SYN [ip]:port" for a SYN (no extension headers). */
    private void ipv6(byte[] p) {
        byte[] dst = Arrays.copyOfRange(p, 24, 40);
        int next = p[6] & 0xff;
        if (next == 58 && (p[40] & 0xff) == 135) {
            log.add("NS for " + synack.wire.IpAddress.of(Arrays.copyOfRange(p, 48, 64)));
        } else if (next == 6 && (p[40 + 13] & 0x12) == 0x02) {
            log.add("SYN " + synack.wire.IpAddress.of(dst).withPort(((p[42] & 0xff) << 8) | (p[43] & 0xff)));
        }
    }

    private List<byte[]> udp(Frames.Udp u, long at) {
        if (u.ip().destination() != DNS_IP || u.datagram().destinationPort() != 53) {
            return List.of();
        }
        dnsUdpPorts.add(u.datagram().sourcePort());
        log.add("DNS query over UDP from port " + u.datagram().sourcePort());
        byte[] answer = aaaaSilent && isAaaa(u.datagram().payload()) ? null : answerDns(u.datagram().payload(), truncateOverUdp);
        if (answer == null) {
            return List.of();
        }
        byte[] reply = Frames.udp(ROUTER_MAC, u.eth().source(), DNS_IP, u.ip().source(), ipId++,
                UdpDatagram.of(53, u.datagram().sourcePort(), answer));
        Long delay = answerDelay.get(typeOf(u.datagram().payload()));
        if (delay != null) {
            later.accept(reply, at + 500 + delay);
            return List.of();
        }
        return List.of(reply);
    }

    private static boolean isAaaa(byte[] queryBytes) {
        return typeOf(queryBytes) == DnsType.AAAA;
    }

    private static int typeOf(byte[] queryBytes) {
        try {
            return DnsMessage.parse(queryBytes).questions().get(0).type();
        } catch (MalformedFrameException e) {
            return -1;
        }
    }

    private byte[] answerDns(byte[] queryBytes, boolean truncate) {
        DnsMessage q;
        try {
            q = DnsMessage.parse(queryBytes);
        } catch (MalformedFrameException e) {
            return null;
        }
        DnsMessage.Question question = q.questions().get(0);
        String name = question.name().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        Integer ip = zone.get(name);
        int flags = DnsMessage.QR | DnsMessage.RD | DnsMessage.RA;
        List<DnsMessage.Record> answers = new ArrayList<>();
        if (truncate) {
            flags |= DnsMessage.TC;
        } else if (question.type() == DnsType.AAAA && zone6.containsKey(name)) {
            answers.add(new DnsMessage.Record(question.name(), DnsType.AAAA, DnsType.IN, 300, zone6.get(name).bytes(),
                    zone6.get(name).toString()));
        } else if (ip != null && question.type() == DnsType.AAAA) {
            // a name of the IPv4 zone alone has no AAAA record (NOERROR, no answer)
        } else if (ip != null) {
            byte[] rdata = new byte[4];
            Ip4.write(ip, rdata, 0);
            answers.add(new DnsMessage.Record(question.name(), DnsType.A, DnsType.IN, 300, rdata, Ip4.toString(ip)));
        } else {
            flags |= 3; // NXDOMAIN
        }
        return new DnsMessage(q.id(), flags, q.questions(), answers, List.of(), List.of()).toBytes();
    }

    private List<byte[]> tcp(Frames.Tcp t) {
        int server = t.ip().destination();
        TcpSegment seg = t.segment();
        SimulatedTcp s = server == DNS_IP && seg.destinationPort() == 53 ? dnsTcp
                : web.getOrDefault(server, Map.of()).get(seg.destinationPort());
        if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)) {
            log.add("SYN " + Ip4.toString(server) + ":" + seg.destinationPort() + " from port " + seg.sourcePort());
        }
        List<byte[]> out = new ArrayList<>();
        if (s == null && server != DNS_IP && !web.containsKey(server)) {
            return out; // no such host: silence
        }
        if (s == null) {
            if (!seg.has(TcpSegment.RST)) { // the host is there but nobody listens: it refuses, as a kernel does
                out.add(Frames.tcp(ROUTER_MAC, t.eth().source(), server, t.ip().source(), ipId++, TcpSegment.of(seg.destinationPort(),
                        seg.sourcePort(), 0, seg.seq() + seg.sequenceLength(), TcpSegment.RST | TcpSegment.ACK, 0,
                        TcpSegment.Options.NONE, new byte[0])));
            }
            return out;
        }
        for (TcpSegment reply : s.onSegment(t.ip().source(), seg)) {
            out.add(Frames.tcp(ROUTER_MAC, t.eth().source(), server, t.ip().source(), ipId++, reply));
        }
        return out;
    }
}
