package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopbackIntakeTest {
    @Test
    void theSavedValuesAreReadBackAndNothingElse() {
        assertEquals(Map.of("accept_local", "0", "route_localnet", "1"),
                LoopbackIntake.parse("accept_local 0\nroute_localnet 1\nforwarding 1\nrp_filter\n\n"));
        assertEquals(Map.of(), LoopbackIntake.parse("accept_local ; rm -rf /\n"));
    }
}
