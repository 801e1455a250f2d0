package synack.cli.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import synack.net.Unpredictable;
import synack.cli.LiveFlow;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.UsageProblem;
import synack.cli.render.Renderer;
import synack.exchange.scan.ProbeSpace;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SipHash;
import synack.exchange.scan.SynSweep;
import synack.link.PcapLink;
import synack.net.Route;
import synack.wire.IpAddress;

/**
 * syn-probe over many probes: routes every target (one interface, one source address, one
 * family), asks the next hops as a phase (ARP over IPv4, neighbour solicitation over IPv6), keeps the kernel's RSTs off our one source port, and runs the
 * stateless {@link SynSweep} with a progress bar on a terminal.
 */
public final class SweepRun {
    /**
     * Headers only, in a 4 MiB ring. The ring is resident in full from the start (the kernel maps
     * every page of it), so its size is RSS. In immediate mode (TPACKET_V2) a 256-byte snaplen takes
     * a 512-byte slot: 8,192 replies, while one thread both sends and drains, so at most a few
     * batches of replies (256 SYNs each) wait in it between two reads.
     */
    static final PcapLink.Capture CAPTURE = new PcapLink.Capture(PcapLink.Capture.HEADERS.snaplen(), 4 * 1024 * 1024, false);

    /** What the command line asked for, checked. */
    public record Plan(List<IpAddress> hosts, List<Integer> ports, String portsText, long rate, int retries, long waitMicros,
                       Shard shard, Long seed, Set<SynSweep.State> show, Integer sourcePort) {}

    private SweepRun() {}

    public static int run(LiveRun run, Renderer renderer, ProgressLine progress, Plan plan) {
        LiveOptions live = run.options();
        // every target routed by the kernel at once (one ip process, however many hosts)
        List<Route> routes = new ArrayList<>(run.host().routing().resolveAllOf(plan.hosts(), live.interfaceName,
                live.source));
        String[] why = leftOut(routes);
        Route first = null;
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (why[i] != null) {
                routes.set(i, null);
            } else if (first == null) {
                first = run.checked(r);
            } else if (!r.via().name().equals(first.via().name()) || !r.sourceAddress().equals(first.sourceAddress())) {
                throw new UsageProblem("targets " + first.destinationAddress() + " and " + r.destinationAddress()
                        + " leave by different interfaces or source addresses (" + first.via().name() + ", " + r.via().name()
                        + "): sweep them separately or choose one with -i");
            }
        }
        if (first == null) {
            throw new UsageProblem("every target is a broadcast or multicast address");
        }
        Route along = first;
        long seed = plan.seed() != null ? plan.seed() : plan.shard().isWhole() ? Unpredictable.nextLong() : seedOf(plan);
        ProbeSpace space = ProbeSpace.of(plan.hosts(), plan.ports());
        LiveFlow flow = LiveFlow.along(along).tcpSourcePort(plan.sourcePort()).size(CAPTURE)
                .capture(end -> "tcp and dst port " + end.tcpPort() + " and dst host " + end.route().sourceAddress())
                .header(end -> header(plan, space, along, end.tcpPort(), seed), end -> Map.of("interface", along.via().name(),
                        "seed", Long.toUnsignedString(seed)))
                .arpNextHops(routes).guardTcpPort()
                .resultWhenStoppedEarly("interrupted before the sweep began");
        return run.run(flow, renderer, path -> {
            SynSweep sweep = new SynSweep(new SynSweep.Path(along.via().mac(), along.sourceAddress(), path.end().tcpPort(), path.end().ownsSource()),
                    space, path.nextHops(), why, new SynSweep.Settings(plan.rate(), plan.retries(), plan.waitMicros(), plan.shard(), seed,
                            plan.show(), live.verbose.length > 0), new SipHash(Unpredictable.nextLong(), Unpredictable.nextLong()));
            progress.watch(sweep);
            return sweep;
        }, progress::tick);
    }

    /**
     * Which targets are not probed, and why. They stay in the probe space (shards elsewhere must
     * number the same hosts). Broadcast and multicast addresses are never probed: no one host
     * answers. This host's own addresses (and 127.0.0.0/8), which the kernel routes through lo,
     * are probed — through lo — when they are all there is to sweep (syn-probe 127.0.0.1 -p-,
     * syn-probe 198.18.1.2 --top-ports 100: the user asks about this host's own ports); in a
     * sweep that also holds other hosts they are left out, as one capture serves one interface
     * and the user is asking about the network.
     */
    static String[] leftOut(List<Route> routes) {
        String[] why = new String[routes.size()];
        boolean onlyLoopback = true;
        for (int i = 0; i < why.length; i++) {
            Route r = routes.get(i);
            if (r.type() == Route.Type.BROADCAST || r.type() == Route.Type.MULTICAST) {
                why[i] = r.type() == Route.Type.BROADCAST ? "a broadcast address" : "a multicast address";
            } else if (!r.loopback()) {
                onlyLoopback = false;
            }
        }
        for (int i = 0; i < why.length && !onlyLoopback; i++) {
            if (why[i] == null && routes.get(i).loopback()) {
                why[i] = "this host's own address";
            }
        }
        return why;
    }

    private static String header(Plan plan, ProbeSpace space, Route first, int sport, long seed) {
        return String.format(Locale.ROOT, "syn-probe %s × %s = %,d probes%s from %s %s — at most %,d SYN/s, %d retr%s, order seed %s",
                space.hostCount() == 1 ? space.hostText(0) : String.format(Locale.ROOT, "%,d hosts", space.hostCount()),
                space.portCount() == 1 ? "port " + plan.portsText() : String.format(Locale.ROOT, "%,d ports", space.portCount()),
                space.size(), plan.shard().isWhole() ? "" : String.format(Locale.ROOT, ", shard %s asks %,d", plan.shard(),
                        plan.shard().sizeOf(space.size())),
                first.sourceAddress().withPort(sport), first.describe(), plan.rate(), plan.retries(), plan.retries() == 1 ? "y" : "ies",
                Long.toUnsignedString(seed));
    }

    /** Shards that were given no seed agree on one: a hash of the hosts and ports they all sweep. */
    static long seedOf(Plan plan) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (IpAddress x : plan.hosts()) {
            if (x.ipv6()) {
                h = (h ^ x.high()) * 0x100000001b3L;
                h = (h ^ x.low()) * 0x100000001b3L;
            } else {
                h = (h ^ x.v4()) * 0x100000001b3L; // the int, sign-extended: the seed IPv4 shards always derived
            }
        }
        h = (h ^ 0x5eed) * 0x100000001b3L;
        for (int x : plan.ports()) {
            h = (h ^ x) * 0x100000001b3L;
        }
        return h;
    }
}
