package synack.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which kernels get the hand-over: from 5.7, whose io_uring close no longer waits in the closing thread. */
class LateReleaseTest {
    @Test
    void fromLinux57OnAsTheKernelNamesItsVersion() {
        assertTrue(LateRelease.fromLinux57("5.7.0"));
        assertTrue(LateRelease.fromLinux57("6.18.44-fc-v1272"));
        assertTrue(LateRelease.fromLinux57("5.15.0-91-generic"));
        assertTrue(LateRelease.fromLinux57("10.0"));
        assertFalse(LateRelease.fromLinux57("5.4.0-150-generic"), "Ubuntu 20.04's: closing the io_uring waits there");
        assertFalse(LateRelease.fromLinux57("5.6"));
        assertFalse(LateRelease.fromLinux57("4.19.0-26-amd64"));
        assertFalse(LateRelease.fromLinux57(""));
        assertFalse(LateRelease.fromLinux57("unknown"));
    }
}
