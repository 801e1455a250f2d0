package synack.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * The stub resolver's configuration (resolv.conf(5)): its name servers in order, of either family,
 * as many as glibc reads (MAXNS, 3). An IPv6 one may carry a scope id (fe80::1%eth0: a link-local
 * address is ambiguous without its interface); synack reads it but does not ask it (see
 * {@link Nameserver#scoped()}): the command that would choose it says so.
 */
public final class ResolvConf {
    /** glibc's MAXNS: the name servers after the third are not asked. */
    public static final int MAX_NAMESERVERS = 3;

    private ResolvConf() {}

    /** One nameserver line: its address and, for an IPv6 link-local one, the scope id after '%' (null: none). */
    public record Nameserver(IpAddress address, String zone) {
        public boolean scoped() {
            return zone != null;
        }

        public AddressFamily family() {
            return AddressFamily.of(address);
        }

        /** "198.18.2.2", "2001:db8:2::2", "fe80::1%eth0", as resolv.conf writes it. */
        @Override
        public String toString() {
            return address + (zone == null ? "" : "%" + zone);
        }
    }

    /** The file's name servers (none when it cannot be read). */
    public static List<Nameserver> nameservers(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** The name servers of resolv.conf text, in order, at most {@link #MAX_NAMESERVERS}; lines naming no address are skipped. */
    public static List<Nameserver> parse(String text) {
        List<Nameserver> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].equals("nameserver") || out.size() == MAX_NAMESERVERS) {
                continue;
            }
            String a = f[1];
            int percent = a.indexOf('%');
            String zone = percent > 0 && a.indexOf(':') >= 0 && percent < a.length() - 1 ? a.substring(percent + 1) : null;
            String bare = zone != null ? a.substring(0, percent) : a;
            if (Ip4.isAddress(bare) || (bare.indexOf(':') >= 0 && IpAddress.isAddress(bare))) {
                out.add(new Nameserver(IpAddress.parse(bare), zone));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The first name server synack can ask, of {@code family} (null: either, in the file's order, as
     * dig takes the first); a scoped one is passed over.
     */
    public static Optional<Nameserver> first(List<Nameserver> servers, AddressFamily family) {
        return servers.stream().filter(s -> !s.scoped() && (family == null || s.family() == family)).findFirst();
    }

    /** A scoped name server of {@code family} (null: either) that was passed over, to say why none could be asked. */
    public static Optional<Nameserver> firstScoped(List<Nameserver> servers, AddressFamily family) {
        return servers.stream().filter(s -> s.scoped() && (family == null || s.family() == family)).findFirst();
    }

    /** The first IPv4 name server (IPv4-only callers: http-get's journey). */
    public static Optional<Integer> firstNameserver(Path file) {
        return first(nameservers(file), AddressFamily.IPV4).map(s -> s.address().v4());
    }
}
