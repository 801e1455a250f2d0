package synack.net;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import synack.wire.IpAddress;

/**
 * The walk of nsswitch.conf's hosts line (nsswitch.conf(5)), one for every command that turns a
 * name into an address: the sources in order, the hosts file answered at once from
 * {@link HostsFile}, a DNS source handed to the caller (who asks with its own frames, and says
 * what DNS came to with {@link #afterDns}), each source's criteria ({@code [NOTFOUND=return]},
 * {@code [!UNAVAIL=return]}) deciding whether the walk goes on. Every step is data; the caller
 * tells them. DNS with no name server to ask is UNAVAIL, as glibc's resolver makes it.
 */
public final class NameSources {
    /** Where a walk came to. */
    public enum Outcome {
        /** A source answered: {@code address}. */
        RESOLVED,
        /** The source at {@code dnsAt} is DNS: the caller asks, then calls {@link #afterDns}. */
        ASK_DNS,
        /** No source answered; {@code failure} says why. */
        NOT_RESOLVED,
        /** DNS's status ends the walk (its criterion, or no source after it): DNS's own failure is the lookup's. */
        DNS_DECIDES
    }

    /** Why no source answered. */
    public enum Failure {
        NO_ENTRY_AND_STOPS, NO_SOURCE_ANSWERS, NO_NAME_SERVER, DNS_ASKED_ALREADY
    }

    /** What one step was. */
    public enum StepKind {
        /** A source synack does not ask (mdns4_minimal, myhostname, ...). */
        SKIPPED,
        /** The hosts file has the name. */
        FILES_ANSWERED,
        /** The hosts file has no entry (NOTFOUND), or there is no file (UNAVAIL). */
        FILES_NO_ENTRY,
        /** A DNS source with no name server to ask: UNAVAIL. */
        DNS_UNAVAILABLE,
        /** DNS came to a status after which the order goes on. */
        DNS_WENT_ON
    }

    /**
     * One step: the source at {@code index}, what it came to ({@code status}), whether the walk
     * goes on after it, and the next source in words ({@code then}: "ask 198.18.2.2").
     */
    public record Step(StepKind kind, int index, NsSwitch.Source source, String name, HostsFile.Entry entry, NsSwitch.Status status,
                       boolean goesOn, String then, HostsFile hosts, String origin) {
        /** A part of the story of its own (the hosts file's answer or its absence), or a remark on the way. */
        public boolean section() {
            return kind == StepKind.FILES_ANSWERED || kind == StepKind.FILES_NO_ENTRY;
        }

        public String text() {
            return switch (kind) {
                case SKIPPED -> origin + ": the source '" + source.name() + "' is not one synack asks (it reads the hosts file and asks"
                        + " DNS): skipped";
                case FILES_ANSWERED -> hosts.answerText(name, entry);
                case FILES_NO_ENTRY -> hosts.path() + (hosts.present() ? ": no entry for " : " does not exist: no entry for ") + name
                        + " → " + then;
                case DNS_UNAVAILABLE -> "DNS: no name server to ask for " + name + " (UNAVAIL) → " + then;
                case DNS_WENT_ON -> "DNS came to " + status + ": " + origin + " goes on to the next source";
            };
        }

        /** The hosts file's steps carry its data ({hosts_file, name, address, line, nsswitch}); the others none. */
        public Map<String, Object> fields() {
            return section() ? hosts.fields(name, entry, origin) : Map.of();
        }
    }

    /** A walk's steps and where it came to: the address when RESOLVED, the DNS source's index when ASK_DNS, why when NOT_RESOLVED. */
    public record Walk(List<Step> steps, Outcome outcome, IpAddress resolved, int dnsAt, Failure failure, String why) {
        public Walk {
            steps = List.copyOf(steps);
        }

        /** The IPv4 address resolved (IPv4 walks), or null. */
        public Integer address() {
            return resolved == null ? null : resolved.v4();
        }
    }

    /** A DNS query's outcome as the caller's {@link Dns} gives it: an address, or NOTFOUND (a negative answer), TRYAGAIN (none). */
    public record DnsAnswer(IpAddress address, NsSwitch.Status status) {
        public static DnsAnswer found(int address) {
            return found(IpAddress.of(address));
        }

        public static DnsAnswer found(IpAddress address) {
            return new DnsAnswer(address, NsSwitch.Status.SUCCESS);
        }

        public static DnsAnswer negative() {
            return new DnsAnswer(null, NsSwitch.Status.NOTFOUND);
        }

        public static DnsAnswer none() {
            return new DnsAnswer(null, NsSwitch.Status.TRYAGAIN);
        }
    }

    /** Asks {@code nameServer} for {@code name} in line; null when the lookup was stopped (Ctrl-C, its next hop silent: told). */
    public interface Dns {
        DnsAnswer ask(String name, IpAddress nameServer);
    }

    private final NsSwitch order;
    private final HostsFile hosts;
    private final IpAddress nameServer;
    private final AddressFamily family;

    /**
     * The walk of {@code order}, the hosts file {@code hosts} (null: none is read, and the order is
     * DNS alone), DNS asking {@code nameServer} (null: none to ask).
     */
    public NameSources(NsSwitch order, HostsFile hosts, Integer nameServer) {
        this(order, hosts, nameServer == null ? null : IpAddress.of(nameServer), AddressFamily.IPV4);
    }

    /**
     * As above, for an address of {@code family}: the hosts file's lines of that family answer, and
     * DNS (asked over either family: {@code nameServer}'s) is asked for that family's record.
     */
    public NameSources(NsSwitch order, HostsFile hosts, IpAddress nameServer, AddressFamily family) {
        this.family = family;
        this.order = hosts == null ? new NsSwitch(List.of(new NsSwitch.Source("dns", EnumSet.of(NsSwitch.Status.SUCCESS))), "DNS only")
                : order;
        this.hosts = hosts;
        this.nameServer = nameServer;
    }

    /** The system's: /etc/nsswitch.conf and /etc/hosts as they are now. */
    public static NameSources system(Integer nameServer) {
        return new NameSources(NsSwitch.read(NsSwitch.DEFAULT), HostsFile.read(HostsFile.DEFAULT), nameServer);
    }

    /** The system's, for an address of {@code family}. */
    public static NameSources system(IpAddress nameServer, AddressFamily family) {
        return new NameSources(NsSwitch.read(NsSwitch.DEFAULT), HostsFile.read(HostsFile.DEFAULT), nameServer, family);
    }

    public NsSwitch order() {
        return order;
    }

    public IpAddress nameServer() {
        return nameServer;
    }

    public AddressFamily family() {
        return family;
    }

    /** The walk for {@code name} from its first source. */
    public Walk start(String name) {
        return from(name, 0, new ArrayList<>());
    }

    /**
     * The whole walk for a caller that asks DNS in line: each step given to {@code tell} as it
     * comes, DNS asked through {@code dns}. The walk returned holds every step; null when
     * {@code dns} was stopped. DNS_DECIDES: DNS's failure (the caller's to tell) is the lookup's.
     */
    public Walk resolve(String name, Dns dns, java.util.function.Consumer<Step> tell) {
        Walk w = start(name);
        w.steps().forEach(tell);
        List<Step> all = new ArrayList<>(w.steps());
        while (w.outcome() == Outcome.ASK_DNS) {
            DnsAnswer a = dns.ask(name, nameServer);
            if (a == null) {
                return null;
            }
            if (a.address() != null) {
                return new Walk(all, Outcome.RESOLVED, a.address(), w.dnsAt(), null, null);
            }
            w = afterDns(name, w.dnsAt(), a.status());
            w.steps().forEach(tell);
            all.addAll(w.steps());
        }
        return new Walk(all, w.outcome(), w.resolved(), w.dnsAt(), w.failure(), w.why());
    }

    /**
     * DNS (the source at {@code dnsAt}) came to {@code status} for {@code name}: NOTFOUND for a
     * negative answer, TRYAGAIN for none. The walk goes on past it when its criterion says so.
     */
    public Walk afterDns(String name, int dnsAt, NsSwitch.Status status) {
        List<Step> steps = new ArrayList<>();
        if (!order.continuesAfter(dnsAt, status)) {
            return new Walk(steps, Outcome.DNS_DECIDES, null, dnsAt, null, null);
        }
        steps.add(new Step(StepKind.DNS_WENT_ON, dnsAt, order.sources().get(dnsAt), name, null, status, true, null, hosts,
                order.origin()));
        Walk w = from(name, dnsAt + 1, steps);
        if (w.outcome() == Outcome.ASK_DNS) { // "dns files dns": the same name server, asked once
            return new Walk(w.steps(), Outcome.NOT_RESOLVED, null, dnsAt, Failure.DNS_ASKED_ALREADY, "DNS was asked already");
        }
        return w;
    }

    private Walk from(String name, int first, List<Step> steps) {
        List<NsSwitch.Source> sources = order.sources();
        for (int i = first; i < sources.size(); i++) {
            NsSwitch.Source s = sources.get(i);
            if (s.dns() && nameServer != null) {
                return new Walk(steps, Outcome.ASK_DNS, null, i, null, null);
            }
            if (s.dns()) {
                boolean goesOn = order.continuesAfter(i, NsSwitch.Status.UNAVAIL);
                steps.add(new Step(StepKind.DNS_UNAVAILABLE, i, s, name, null, NsSwitch.Status.UNAVAIL, goesOn, then(i, NsSwitch.Status.UNAVAIL),
                        hosts, order.origin()));
                if (!goesOn) {
                    return new Walk(steps, Outcome.NOT_RESOLVED, null, i, Failure.NO_NAME_SERVER, "no name server to ask");
                }
                continue;
            }
            if (!s.files()) {
                steps.add(new Step(StepKind.SKIPPED, i, s, name, null, null, true, null, hosts, order.origin()));
                continue;
            }
            HostsFile.Entry e = hosts.lookup(name, family);
            if (e != null) {
                steps.add(new Step(StepKind.FILES_ANSWERED, i, s, name, e, NsSwitch.Status.SUCCESS, false, null, hosts, order.origin()));
                return new Walk(steps, Outcome.RESOLVED, e.ip(), -1, null, null);
            }
            NsSwitch.Status status = hosts.present() ? NsSwitch.Status.NOTFOUND : NsSwitch.Status.UNAVAIL;
            boolean goesOn = order.continuesAfter(i, status);
            steps.add(new Step(StepKind.FILES_NO_ENTRY, i, s, name, null, status, goesOn, then(i, status), hosts, order.origin()));
            if (!goesOn) {
                return new Walk(steps, Outcome.NOT_RESOLVED, null, -1, Failure.NO_ENTRY_AND_STOPS, "no entry in " + hosts.path() + ", and "
                        + order.origin() + " asks nothing after it");
            }
        }
        return new Walk(steps, Outcome.NOT_RESOLVED, null, -1, Failure.NO_SOURCE_ANSWERS, "no source of " + order.origin() + " answers it");
    }

    /** After source {@code i} came to {@code status}: what comes next, in words. */
    private String then(int i, NsSwitch.Status status) {
        if (!order.continuesAfter(i, status)) {
            return i + 1 < order.sources().size() ? "nsswitch.conf stops here ([" + status + "=return])" : "no source after it";
        }
        for (int j = i + 1; j < order.sources().size(); j++) {
            NsSwitch.Source s = order.sources().get(j);
            if (s.dns()) {
                return nameServer != null ? "ask " + nameServer : "DNS, with no name server to ask";
            }
            if (s.files()) {
                boolean before = order.sources().subList(0, i + 1).stream().anyMatch(NsSwitch.Source::files);
                return before ? "the hosts file again" : "the hosts file";
            }
        }
        return "no source synack asks after it";
    }
}
