package synack.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TopPortsTest {
    @Test
    void wordsAreSplitAtAnyWhitespaceAndMissingOnesAreNull() {
        assertArrayEquals(new String[] {"http", "80/tcp"}, TopPorts.words("  http\t\t80/tcp   www  ", 2));
        assertArrayEquals(new String[] {"443", null}, TopPorts.words("443", 2));
        assertArrayEquals(new String[] {null, null}, TopPorts.words(" \t ", 2));
    }

    @Test
    void theMostCommonPortsComeFirstAndHaveTheirServiceNames() {
        assertEquals(80, TopPorts.top(1).get(0));
        assertEquals(1000, TopPorts.top(1000).size());
        assertEquals("http", TopPorts.serviceName(80));
        assertEquals("ssh", TopPorts.serviceName(22));
    }
}
