package synack.exchange.tls;

import java.util.LinkedHashMap;
import java.util.Map;

/** An alert as it was on the wire (RFC 8446 6): level and description, named from the registry. */
public record TlsAlert(int level, int description) {
    public static final int CLOSE_NOTIFY = 0;

    public String name() {
        return TlsNames.alert(description);
    }

    public boolean fatal() {
        return level == 2;
    }

    public boolean closeNotify() {
        return description == CLOSE_NOTIFY;
    }

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("level", TlsNames.alertLevel(level));
        f.put("description", name());
        f.put("code", description);
        return f;
    }

    @Override
    public String toString() {
        return TlsNames.alertLevel(level) + " " + name() + " (" + description + ")";
    }
}
