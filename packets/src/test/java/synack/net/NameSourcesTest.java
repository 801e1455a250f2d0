package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/** nsswitch.conf's hosts walk as glibc walks it: each step data, DNS handed to the caller, its criteria honoured. */
class NameSourcesTest {
    static final HostsFile HOSTS = HostsFile.parse("/etc/hosts", "127.0.0.1 localhost\n198.18.2.2 hosts.synack.test\n");
    static final HostsFile NO_FILE = new HostsFile("/etc/hosts", false, java.util.Map.of());
    static final int NS = Ip4.parse("198.18.2.2");

    static NameSources sources(String hostsLine, HostsFile hosts, Integer nameServer) {
        return new NameSources(NsSwitch.parse("/etc/nsswitch.conf", "hosts: " + hostsLine + "\n"), hosts, nameServer);
    }

    static List<NameSources.StepKind> kinds(NameSources.Walk w) {
        return w.steps().stream().map(NameSources.Step::kind).toList();
    }

    @Test
    void theHostsFileFirstAnswersWithoutDns() {
        NameSources.Walk w = sources("files dns", HOSTS, NS).start("hosts.synack.test");
        assertEquals(NameSources.Outcome.RESOLVED, w.outcome());
        assertEquals(Ip4.parse("198.18.2.2"), w.address());
        assertEquals(List.of(NameSources.StepKind.FILES_ANSWERED), kinds(w));
        NameSources.Step s = w.steps().get(0);
        assertTrue(s.section());
        assertEquals("/etc/hosts: hosts.synack.test is 198.18.2.2 (line 2) — no DNS query", s.text());
        assertEquals(2, s.fields().get("line"));
        assertEquals("/etc/nsswitch.conf: hosts: files dns", s.fields().get("nsswitch"));
    }

    @Test
    void noEntryInTheFileIsAStepToldThenDnsIsAsked() {
        NameSources.Walk w = sources("files dns", HOSTS, NS).start("www.synack.test");
        assertEquals(NameSources.Outcome.ASK_DNS, w.outcome());
        assertEquals(1, w.dnsAt());
        NameSources.Step s = w.steps().get(0);
        assertEquals(NameSources.StepKind.FILES_NO_ENTRY, s.kind());
        assertEquals(NsSwitch.Status.NOTFOUND, s.status());
        assertTrue(s.goesOn());
        assertEquals("/etc/hosts: no entry for www.synack.test → ask 198.18.2.2", s.text());
        assertNull(s.fields().get("address"));
        assertEquals("/etc/hosts does not exist: no entry for www.synack.test → ask 198.18.2.2",
                sources("files dns", NO_FILE, NS).start("www.synack.test").steps().get(0).text());
    }

    @Test
    void filesAfterDnsAnswerWhenDnsFindsNothingAndTheOrderGoesOn() {
        NameSources ns = sources("dns files", HOSTS, NS);
        NameSources.Walk w = ns.start("hosts.synack.test");
        assertEquals(NameSources.Outcome.ASK_DNS, w.outcome());
        assertEquals(0, w.dnsAt());
        assertTrue(w.steps().isEmpty());
        NameSources.Walk after = ns.afterDns("hosts.synack.test", w.dnsAt(), NsSwitch.Status.NOTFOUND);
        assertEquals(NameSources.Outcome.RESOLVED, after.outcome());
        assertEquals(List.of(NameSources.StepKind.DNS_WENT_ON, NameSources.StepKind.FILES_ANSWERED), kinds(after));
        assertEquals("DNS came to NOTFOUND: /etc/nsswitch.conf: hosts: dns files goes on to the next source", after.steps().get(0).text());
        NameSources.Walk none = ns.afterDns("nowhere.synack.test", 0, NsSwitch.Status.TRYAGAIN);
        assertEquals(NameSources.Outcome.NOT_RESOLVED, none.outcome());
        assertEquals(NameSources.Failure.NO_ENTRY_AND_STOPS, none.failure());
        assertEquals("/etc/hosts: no entry for nowhere.synack.test → no source after it", none.steps().get(1).text());
    }

    @Test
    void glibcsDefaultAsksTheFileOnlyWhenDnsIsUnavailable() {
        NameSources withServer = new NameSources(NsSwitch.glibcDefault("no /etc/nsswitch.conf"), HOSTS, NS);
        assertEquals(NameSources.Outcome.DNS_DECIDES, withServer.afterDns("hosts.synack.test", 0, NsSwitch.Status.NOTFOUND).outcome(),
                "[!UNAVAIL=return]: a negative answer is the end");
        assertEquals(NameSources.Outcome.DNS_DECIDES, withServer.afterDns("hosts.synack.test", 0, NsSwitch.Status.TRYAGAIN).outcome());
        NameSources noServer = new NameSources(NsSwitch.glibcDefault("no /etc/nsswitch.conf"), HOSTS, null);
        NameSources.Walk w = noServer.start("hosts.synack.test");
        assertEquals(NameSources.Outcome.RESOLVED, w.outcome());
        assertEquals(List.of(NameSources.StepKind.DNS_UNAVAILABLE, NameSources.StepKind.FILES_ANSWERED), kinds(w));
        assertEquals("DNS: no name server to ask for hosts.synack.test (UNAVAIL) → the hosts file", w.steps().get(0).text());
        assertFalse(w.steps().get(0).section());
        NameSources.Walk dnsOnly = sources("dns", HOSTS, null).start("hosts.synack.test");
        assertEquals(NameSources.Outcome.NOT_RESOLVED, dnsOnly.outcome());
        assertEquals(NameSources.Failure.NO_NAME_SERVER, dnsOnly.failure());
    }

    @Test
    void aCriterionStopsTheWalkAndSourcesSynackDoesNotAskAreSkipped() {
        NameSources.Walk w = sources("mdns4_minimal files [NOTFOUND=return] dns", HOSTS, NS).start("www.synack.test");
        assertEquals(List.of(NameSources.StepKind.SKIPPED, NameSources.StepKind.FILES_NO_ENTRY), kinds(w));
        assertEquals(NameSources.Outcome.NOT_RESOLVED, w.outcome());
        assertEquals(NameSources.Failure.NO_ENTRY_AND_STOPS, w.failure());
        assertEquals("/etc/hosts: no entry for www.synack.test → nsswitch.conf stops here ([NOTFOUND=return])", w.steps().get(1).text());
        assertEquals("/etc/nsswitch.conf: hosts: mdns4_minimal files [NOTFOUND=return] dns: the source 'mdns4_minimal' is not one synack"
                + " asks (it reads the hosts file and asks DNS): skipped", w.steps().get(0).text());
        assertEquals(NameSources.Outcome.ASK_DNS, sources("mdns4_minimal files [NOTFOUND=return] dns", NO_FILE, NS).start("www.synack.test")
                .outcome(), "no file is UNAVAIL, which [NOTFOUND=return] lets through");
    }

    @Test
    void dnsIsAskedOnceAndWithoutAHostsFileTheOrderIsDnsAlone() {
        NameSources twice = sources("dns files dns", HOSTS, NS);
        NameSources.Walk w = twice.afterDns("www.synack.test", 0, NsSwitch.Status.NOTFOUND);
        assertEquals(NameSources.Failure.DNS_ASKED_ALREADY, w.failure());
        NameSources dnsAlone = new NameSources(NsSwitch.parse("x", "hosts: files dns"), null, NS);
        assertEquals(List.of("dns"), dnsAlone.order().sources().stream().map(NsSwitch.Source::name).toList());
        assertEquals(NameSources.Outcome.ASK_DNS, dnsAlone.start("hosts.synack.test").outcome());
        assertEquals(NameSources.Outcome.DNS_DECIDES, dnsAlone.afterDns("hosts.synack.test", 0, NsSwitch.Status.NOTFOUND).outcome());
    }

    @Test
    void resolvedInLineTheHostsFileAfterDnsAnswersAndEveryStepIsToldInOrder() {
        NameSources ns = sources("files dns [NOTFOUND=continue] files", HostsFile.parse("/etc/hosts", "198.18.2.2 www.synack.test\n"), NS);
        List<String> told = new java.util.ArrayList<>();
        List<String> asked = new java.util.ArrayList<>();
        NameSources.Walk found = ns.resolve("www.synack.test", (n, srv) -> {
            asked.add(n + "@" + srv);
            return NameSources.DnsAnswer.found(Ip4.parse("198.18.9.9"));
        }, s -> told.add(s.text()));
        assertEquals(Ip4.parse("198.18.2.2"), found.address(), "the file first: DNS not asked");
        assertEquals(List.of(), asked);

        told.clear();
        NameSources.Walk w = sources("dns [NOTFOUND=continue] files", HOSTS, NS).resolve("hosts.synack.test", (n, srv) -> {
            asked.add(n + "@" + srv);
            return NameSources.DnsAnswer.negative();
        }, s -> told.add(s.text()));
        assertEquals(List.of("hosts.synack.test@198.18.2.2"), asked);
        assertEquals(NameSources.Outcome.RESOLVED, w.outcome());
        assertEquals(Ip4.parse("198.18.2.2"), w.address());
        assertEquals(List.of("DNS came to NOTFOUND: /etc/nsswitch.conf: hosts: dns [NOTFOUND=continue] files goes on to the next source",
                "/etc/hosts: hosts.synack.test is 198.18.2.2 (line 2) — no DNS query"), told);
        assertEquals(2, w.steps().size());

        NameSources.Walk dnsAnswers = sources("files dns", HOSTS, NS).resolve("www.synack.test",
                (n, srv) -> NameSources.DnsAnswer.found(Ip4.parse("198.18.2.2")), s -> { });
        assertEquals(NameSources.Outcome.RESOLVED, dnsAnswers.outcome());
        assertEquals(List.of(NameSources.StepKind.FILES_NO_ENTRY), kinds(dnsAnswers), "the no-entry step, then DNS");
        assertNull(sources("dns", HOSTS, NS).resolve("x", (n, srv) -> null, s -> { }), "stopped: no walk");
        assertEquals(NameSources.Outcome.DNS_DECIDES, sources("dns", HOSTS, NS).resolve("x", (n, srv) -> NameSources.DnsAnswer.none(),
                s -> { }).outcome());
    }

    @Test
    void anIpv6WalkReadsTheHostsFilesIpv6LinesAndAsksDnsOverTheServersFamily() {
        HostsFile hosts = HostsFile.parse("/etc/hosts", "198.18.2.2 www.synack.test\n2001:db8:2::2 www6.synack.test\n");
        IpAddress server = IpAddress.parse("2001:db8:2::53");
        NameSources ns = new NameSources(NsSwitch.parse("/etc/nsswitch.conf", "hosts: files dns\n"), hosts, server, AddressFamily.IPV6);
        NameSources.Walk fromFile = ns.start("www6.synack.test");
        assertEquals(NameSources.Outcome.RESOLVED, fromFile.outcome());
        assertEquals(IpAddress.parse("2001:db8:2::2"), fromFile.resolved());
        List<String> asked = new java.util.ArrayList<>();
        NameSources.Walk w = ns.resolve("www.synack.test", (n, srv) -> {
            asked.add(n + "@" + srv);
            return NameSources.DnsAnswer.found(IpAddress.parse("2001:db8:2::80"));
        }, s -> { });
        assertEquals(List.of("www.synack.test@2001:db8:2::53"), asked, "the IPv4 line does not answer an IPv6 question");
        assertEquals(IpAddress.parse("2001:db8:2::80"), w.resolved());
        assertEquals("/etc/hosts: no entry for www.synack.test → ask 2001:db8:2::53", w.steps().get(0).text());
    }
}
