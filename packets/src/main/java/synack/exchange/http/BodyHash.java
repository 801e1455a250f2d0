package synack.exchange.http;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A body's SHA-256, as sha256sum prints it. Through the system's libcrypto (OpenSSL: its SHA-256 uses
 * the CPU's SHA extensions where it has them) when it loads, else the JDK's MessageDigest. The JDK's
 * SHA-256 is fast only in C2's code (an intrinsic); a plain http-get runs on C1 alone, as the one-liners
 * do (C2's compilations cost its start-up ~95 ms of a 2-core machine), and there the JDK's took ~1 s of
 * a 100 MiB body against ~60 ms for libcrypto's. Same digest either way (BodyHashTest).
 */
public abstract class BodyHash {
    /** A new digest: libcrypto's when it loaded, the JDK's otherwise. */
    public static BodyHash start() {
        return Native256.AVAILABLE ? new Native256() : new Jdk();
    }

    /** The JDK's, whatever is installed (for the test that compares the two). */
    static BodyHash jdk() {
        return new Jdk();
    }

    /** libcrypto's, or null when it does not load here. */
    static BodyHash libcrypto() {
        return Native256.AVAILABLE ? new Native256() : null;
    }

    /** Binds libcrypto now (dlopen, symbol lookup: a few ms), so the first body does not wait for it; false without it. */
    public static boolean warmUp() {
        return Native256.AVAILABLE;
    }

    public abstract void update(byte[] data, int offset, int length);

    /** The digest in lower-case hex; the hash is finished (no more updates). */
    public abstract String hex();

    private static final class Jdk extends BodyHash {
        private final MessageDigest sha;

        Jdk() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("every JDK has SHA-256", e);
            }
        }

        @Override
        public void update(byte[] data, int offset, int length) {
            sha.update(data, offset, length);
        }

        @Override
        public String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /**
     * SHA256_Init/Update/Final of OpenSSL (1.1 and 3 export them), JNA direct mappings bound once. The body's
     * bytes are copied into one native buffer kept for the next update (a frame's worth at a time).
     */
    private static final class Native256 extends BodyHash {
        static final boolean AVAILABLE = bind();
        private static final int CHUNK = 256 * 1024;
        private final Memory context = new Memory(256); // SHA256_CTX is 112 bytes
        private Memory buffer; // made at the first update: a HEAD's or a 304's hash needs none
        private final Memory digest = new Memory(32);

        private static boolean bind() {
            // the versioned names first: the bare libcrypto.so is only in libssl-dev, and JNA's search for
            // another version lists the library directories
            for (String name : new String[] {"libcrypto.so.3", "libcrypto.so.1.1", "crypto"}) {
                try {
                    Native.register(Native256.class, NativeLibrary.getInstance(name));
                    return true;
                } catch (LinkageError | RuntimeException e) {
                    // not this one: the next, or the JDK's digest
                }
            }
            return false;
        }

        private static native int SHA256_Init(Pointer context);

        private static native int SHA256_Update(Pointer context, Pointer data, NativeLong length);

        private static native int SHA256_Final(Pointer digest, Pointer context);

        Native256() {
            if (SHA256_Init(context) != 1) {
                throw new IllegalStateException("libcrypto's SHA256_Init failed");
            }
        }

        @Override
        public void update(byte[] data, int offset, int length) {
            if (buffer == null && length > 0) {
                buffer = new Memory(CHUNK);
            }
            while (length > 0) {
                int n = Math.min(length, CHUNK);
                buffer.write(0, data, offset, n);
                SHA256_Update(context, buffer, new NativeLong(n));
                offset += n;
                length -= n;
            }
        }

        @Override
        public String hex() {
            SHA256_Final(digest, context); // once: HttpApp asks when the response is complete
            return HexFormat.of().formatHex(digest.getByteArray(0, 32));
        }
    }
}
