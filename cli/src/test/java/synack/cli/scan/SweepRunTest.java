package synack.cli.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SynSweep;

class SweepRunTest {
    static SweepRun.Plan plan(List<Integer> hosts, List<Integer> ports, Shard shard) {
        return new SweepRun.Plan(hosts, ports, "x", 1000, 0, 1_000_000, shard, null, EnumSet.of(SynSweep.State.OPEN), null);
    }

    @Test
    void shardsOfTheSameSweepDeriveTheSameSeedWhateverShardTheyAre() {
        List<Integer> hosts = List.of(1, 2, 3);
        List<Integer> ports = List.of(22, 80, 443);
        long s0 = SweepRun.seedOf(plan(hosts, ports, new Shard(0, 3)));
        assertEquals(s0, SweepRun.seedOf(plan(hosts, ports, new Shard(2, 3))));
        assertNotEquals(s0, SweepRun.seedOf(plan(hosts, List.of(22, 80), new Shard(0, 3))));
        assertNotEquals(s0, SweepRun.seedOf(plan(List.of(1, 2), ports, new Shard(0, 3))));
    }

    @Test
    void theGreppableLineIsNmapsSevenFieldPortEntry() {
        Map<String, Object> f = Map.of("host", "198.18.2.2", "port", 80, "state", "open", "reason", "syn-ack");
        assertEquals("Host: 198.18.2.2 ()\tPorts: 80/open/tcp//http///", ScanFormat.GREP.line(f, false));
        assertEquals("198.18.2.2:80", ScanFormat.LIST.line(f, false));
        assertEquals("198.18.2.2:80 open", ScanFormat.LIST.line(f, true));
    }
}
