package synack.event;

import java.util.ArrayList;
import java.util.List;

/**
 * An exchange's comment on a frame, as data: words and the numbers in them. A sequence number
 * carries both its absolute value and its offset from its side's ISN, so --relative renumbers
 * from the data (Wireshark's relative numbers), never by reading text back.
 */
public record Remark(List<Part> parts) {
    public static final Remark NONE = new Remark(List.of());

    public Remark {
        parts = List.copyOf(parts);
    }

    public sealed interface Part permits Words, SeqNo {}

    public record Words(String text) implements Part {}

    /** A sequence number: {@code absolute} on the wire, {@code relative} to the ISN of the side it counts. */
    public record SeqNo(long absolute, long relative) implements Part {}

    public static Remark of(String text) {
        return text == null || text.isEmpty() ? NONE : new Remark(List.of(new Words(text)));
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    /** The words; with {@code relative}, sequence numbers counted from their ISN. */
    public String text(boolean relative) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Words w) {
                sb.append(w.text());
            } else if (p instanceof SeqNo s) {
                sb.append(relative ? s.relative() : s.absolute());
            }
        }
        return sb.toString();
    }

    /** The absolute words (JSON's "note"). */
    public String text() {
        return text(false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Puts a remark together part by part. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();

        public Builder words(String text) {
            if (!text.isEmpty()) {
                parts.add(new Words(text));
            }
            return this;
        }

        public Builder seq(long absolute, long relative) {
            parts.add(new SeqNo(absolute & 0xffffffffL, relative & 0xffffffffL));
            return this;
        }

        public Builder add(Remark r) {
            parts.addAll(r.parts());
            return this;
        }

        /** "; " before the next words unless nothing was said yet. */
        public Builder then() {
            if (!parts.isEmpty()) {
                parts.add(new Words("; "));
            }
            return this;
        }

        public boolean isEmpty() {
            return parts.isEmpty();
        }

        public Remark build() {
            return parts.isEmpty() ? NONE : new Remark(parts);
        }
    }
}
