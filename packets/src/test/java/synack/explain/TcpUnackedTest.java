package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unacknowledged segments each direction remembers: Wireshark's 1000 for one connection, a shared budget for many. */
class TcpUnackedTest {
    /** Sends {@code segments} 100-byte segments nobody acknowledges; returns how many were remembered. */
    private static int sendUnacknowledged(TcpUnacked list, int segments) {
        int remembered = 0;
        for (int i = 0; i < segments; i++) {
            if (list.add(1001 + 100 * i, 1101 + 100 * i, i, i)) {
                remembered++;
            }
        }
        return remembered;
    }

    @Test
    void oneConnectionRemembersWiresharksThousand() {
        TcpUnacked list = new TcpUnacked(new TcpUnacked.Budget(TcpUnacked.BUDGET_ENTRIES));
        assertEquals(TcpUnacked.MAX, sendUnacknowledged(list, 1500));
        assertEquals(TcpUnacked.MAX, list.size());
    }

    @Test
    void tenThousandOneDirectionalConnectionsShareABoundedBudget() {
        TcpUnacked.Budget budget = new TcpUnacked.Budget(TcpUnacked.BUDGET_ENTRIES);
        List<TcpUnacked> lists = new ArrayList<>();
        long capacity = 0;
        for (int c = 0; c < 2 * TcpObserver.MAX_OPEN; c++) {
            TcpUnacked list = new TcpUnacked(budget);
            assertTrue(sendUnacknowledged(list, TcpUnacked.MAX) >= TcpUnacked.FREE, "every connection remembers a few");
            capacity += list.capacity();
            lists.add(list);
        }
        assertTrue(capacity <= (long) lists.size() * TcpUnacked.FREE + TcpUnacked.BUDGET_ENTRIES,
                "entries held by all: " + capacity);
        for (TcpUnacked list : lists) {
            list.clear();
        }
        assertEquals(0, budget.drawn(), "closed connections give their entries back");
        TcpUnacked later = new TcpUnacked(budget);
        assertEquals(TcpUnacked.MAX, sendUnacknowledged(later, TcpUnacked.MAX));
    }

    @Test
    void anAcknowledgedListGivesItsRoomBack() {
        TcpUnacked.Budget budget = new TcpUnacked.Budget(TcpUnacked.BUDGET_ENTRIES);
        TcpUnacked list = new TcpUnacked(budget);
        sendUnacknowledged(list, 100);
        assertTrue(budget.drawn() > 0);
        assertEquals(99, list.ack(1001 + 100 * 100), "the ACK covers the last segment exactly: its time");
        assertEquals(0, list.size());
        assertEquals(0, budget.drawn());
    }
}
