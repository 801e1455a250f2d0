package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/** The ip process driven for real, with a stand-in script that answers as iproute2 6.1 does. */
class IpRouteGetTest {
    /**
     * Answers "route get 198.18.2.2" and "route get 127.0.0.1" (also in -batch, one line each); anything
     * else fails as ip does: RTNETLINK answers on stderr, exit 2 (in a -force batch: "Command failed -:N", exit 1).
     */
    static final String FAKE_IP = """
            #!/bin/bash
            answer() {
              case "$1" in
                198.18.2.2) echo '%s' ;;
                127.0.0.1) echo '%s' ;;
                10.11.1.1) echo 'RTNETLINK answers: Permission denied' >&2; return 2 ;;
                *) echo 'RTNETLINK answers: Network is unreachable' >&2; return 2 ;;
              esac
            }
            echo "$@" >> "$(dirname "$0")/asked"
            if [ "$1 $2 $3" = "-j -force -batch" ]; then
              n=0; rc=0
              while read -r _ _ dst _; do n=$((n+1)); answer "$dst" || { echo "Command failed -:$n" >&2; rc=1; }; done
              exit $rc
            fi
            answer "$4"
            """.formatted(KernelRouteTest.GATEWAY.trim(), KernelRouteTest.LOOPBACK.trim());

    static IpRouteGet fake(Path dir) throws IOException {
        Path ip = dir.resolve("ip");
        Files.writeString(ip, FAKE_IP);
        Files.setPosixFilePermissions(ip, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new IpRouteGet(ip.toString());
    }

    @Test
    void oneQuestion(@TempDir Path dir) throws IOException {
        KernelRoute r = fake(dir).get(IpAddress.parse("198.18.2.2"), IpAddress.parse("198.18.1.2"), "c0");
        assertEquals("198.18.1.1", String.valueOf(r.gateway()));
        assertEquals("-j route get 198.18.2.2 from 198.18.1.2 oif c0\n", Files.readString(dir.resolve("asked")));
    }

    @Test
    void unreachableIsNoRoute(@TempDir Path dir) throws IOException {
        IpRouteGet ip = fake(dir);
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> ip.get(IpAddress.parse("10.10.1.1"), null, null));
        assertEquals("no route to 10.10.1.1: the kernel says Network is unreachable (see: ip route get 10.10.1.1; or choose an"
                + " interface with -i)", e.getMessage());
        e = assertThrows(EnvironmentException.class, () -> ip.get(IpAddress.parse("10.11.1.1"), null, "c0"));
        assertEquals("no route to 10.11.1.1: the kernel says Permission denied (a prohibit route) (see: ip route get 10.11.1.1 oif c0)",
                e.getMessage());
    }

    @Test
    void aBatchIsOneProcess(@TempDir Path dir) throws IOException {
        IpRouteGet ip = fake(dir);
        List<KernelRoute> rs = ip.getAll(List.of(IpAddress.parse("127.0.0.1"), IpAddress.parse("198.18.2.2"), IpAddress.parse("127.0.0.1")), null, null);
        assertEquals(List.of("lo", "c0", "lo"), rs.stream().map(KernelRoute::dev).toList());
        assertEquals("-j -force -batch -\n", Files.readString(dir.resolve("asked")));
    }

    @Test
    void aBatchFailsAtItsFirstDestinationWithoutARoute(@TempDir Path dir) throws IOException {
        IpRouteGet ip = fake(dir);
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> ip.getAll(List.of(IpAddress.parse("198.18.2.2"), IpAddress.parse("10.11.1.1"), IpAddress.parse("10.10.1.1")), null, null));
        assertTrue(e.getMessage().startsWith("no route to 10.11.1.1: the kernel says Permission denied (a prohibit route)"),
                e.getMessage());
    }

    @Test
    void batchFailuresByLine() {
        String stderr = "RTNETLINK answers: Network is unreachable\nCommand failed -:3\nRTNETLINK answers: Invalid argument\n"
                + "Command failed -:7\n";
        assertEquals(Map.of(3, "RTNETLINK answers: Network is unreachable", 7, "RTNETLINK answers: Invalid argument"),
                IpRouteGet.batchFailures(stderr));
    }

    @Test
    void questionsAreIpsWords() {
        assertEquals("route get 10.0.0.1", IpRouteGet.question(IpAddress.parse("10.0.0.1"), null, null));
        assertEquals("route get 10.0.0.1 from 10.0.0.2 oif eth0", IpRouteGet.question(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.2"), "eth0"));
    }
}
