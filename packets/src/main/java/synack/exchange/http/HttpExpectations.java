package synack.exchange.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the last response must be for the run to count as a success: a status (a code like 200
 * or a class like 2xx; without one, any status below 400) and a body matching a pattern
 * (searched in the first bytes {@link HttpApp} keeps). {@code status} and {@code body} may be null.
 */
public record HttpExpectations(String status, Pattern body) {
    public static final HttpExpectations NONE = new HttpExpectations(null, null);

    public HttpExpectations {
        if (status != null && !status.matches("[1-5]([0-9]{2}|xx)")) {
            throw new IllegalArgumentException("--expect-status wants a code like 200 or a class like 2xx, not '" + status + "'");
        }
    }

    /** What the response failed to be, one entry per expectation not met (empty: all held). */
    public List<String> unmet(HttpApp.Response r) {
        List<String> unmet = new ArrayList<>();
        if (status != null) {
            String code = Integer.toString(r.status());
            boolean held = status.endsWith("xx") ? code.charAt(0) == status.charAt(0) : code.equals(status);
            if (!held) {
                unmet.add("status " + status + " (got " + r.status() + ")");
            }
        } else if (r.status() >= 400) {
            unmet.add("a status below 400 (got " + r.status() + " " + r.reason() + ")");
        }
        if (body != null && !body.matcher(new String(r.preview(), StandardCharsets.UTF_8)).find()) {
            unmet.add("body matching /" + body.pattern() + "/");
        }
        return unmet;
    }
}
