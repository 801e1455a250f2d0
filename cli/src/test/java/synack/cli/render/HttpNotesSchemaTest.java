package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.http.Conditional;
import synack.exchange.http.CookieJar;
import synack.exchange.http.HttpJourney;
import synack.exchange.http.HttpUrl;
import synack.net.HostsFile;
import synack.net.NsSwitch;

/**
 * http-get's notes of issue 15 against docs/events.schema.json: their data made by the very
 * builders the journey uses (a cookie stored, refused, chosen; a redirect's rule; a condition;
 * the hosts-file step), rendered by JsonRenderer; and a misspelled key is refused.
 */
class HttpNotesSchemaTest {
    static final long NOW = 1_796_231_675L;

    static String line(Event.Note.Kind kind, Map<String, Object> fields) {
        return EventSchemaTest.line("http-get", new Event.Note(EventSchemaTest.START, kind, "text", fields));
    }

    @Test
    void everyNewNoteIsValid() {
        HttpUrl set = HttpUrl.parse("http://www.synack.test/cookie/set");
        CookieJar jar = new CookieJar();
        CookieJar.Storing stored = jar.store("lab_session=s3cr3t; Path=/cookie", set, false, NOW);
        CookieJar.Storing expiring = jar.store("t=1; Max-Age=60; Domain=synack.test; HttpOnly", set, false, NOW);
        CookieJar.Storing refused = jar.store("s=1; Secure", set, false, NOW);
        CookieJar.Storing deleted = jar.store("t=1; Max-Age=0; Domain=synack.test", set, false, NOW);
        List<CookieJar.Choice> choices = jar.choose(HttpUrl.parse("http://www.synack.test/cookie/check"), false, NOW);
        List<CookieJar.Choice> none = jar.choose(HttpUrl.parse("http://www.synack.test/hello.txt"), false, NOW);
        HostsFile hosts = HostsFile.parse("/etc/hosts", "198.18.2.2 hosts.synack.test\n");
        NsSwitch order = NsSwitch.parse("/etc/nsswitch.conf", "hosts: files dns\n");
        Conditional etag = new Conditional("\"6565a7f0-1a\"", null, false, null);
        Conditional since = new Conditional(null, NOW, true, "-z -2026-12-02");
        List<String> lines = List.of(
                line(Event.Note.Kind.INFO, stored.fields(set)),
                line(Event.Note.Kind.INFO, expiring.fields(set)),
                line(Event.Note.Kind.WARNING, refused.fields(set)),
                line(Event.Note.Kind.INFO, deleted.fields(set)),
                line(Event.Note.Kind.INFO, CookieJar.ignoredFields("lab_session=s3cr3t; Path=/cookie", set)),
                line(Event.Note.Kind.INFO, CookieJar.fields(choices, CookieJar.header(choices))),
                line(Event.Note.Kind.INFO, CookieJar.fields(none, null)),
                line(Event.Note.Kind.INFO, HttpJourney.RedirectRule.of(307, "POST", true).fields(307, "POST", true)),
                line(Event.Note.Kind.INFO, HttpJourney.RedirectRule.of(302, "POST", true).fields(302, "POST", true)),
                line(Event.Note.Kind.INFO, HttpJourney.RedirectRule.of(303, "GET", false).fields(303, "GET", false)),
                line(Event.Note.Kind.INFO, etag.requestFields()),
                line(Event.Note.Kind.INFO, since.requestFields()),
                line(Event.Note.Kind.INFO, etag.fields(304, "\"6565a7f0-1a\"", null)),
                line(Event.Note.Kind.INFO, since.fields(412, null, "Wed, 02 Dec 2026 10:00:00 GMT")),
                line(Event.Note.Kind.SECTION, hosts.fields("hosts.synack.test", hosts.lookup("hosts.synack.test"), order.origin())),
                line(Event.Note.Kind.SECTION, hosts.fields("www.synack.test", null, order.origin())));
        for (String l : lines) {
            EventSchema.assertValid(l);
        }
        assertTrue(lines.get(5).contains("\"cookies\":[{\"name\":\"lab_session\",\"sent\":true,\"reason\":\"sent\""), lines.get(5));
        assertTrue(lines.get(14).contains("\"address\":\"198.18.2.2\",\"line\":1"), lines.get(14));
    }

    @Test
    void aMisspelledOrMistypedKeyIsRefused() {
        Map<String, Object> redirect = new LinkedHashMap<>();
        redirect.put("status", 307);
        redirect.put("from_method", "POST");
        redirect.put("method", "POST");
        redirect.put("body", "kept-ish");
        assertFalse(EventSchema.problems(line(Event.Note.Kind.INFO, Map.of("redirect", redirect))).isEmpty());
        assertFalse(EventSchema.problems(line(Event.Note.Kind.SECTION, Map.of("hosts_file", "/etc/hosts"))).isEmpty(),
                "the hosts step carries all its keys");
        assertFalse(EventSchema.problems(line(Event.Note.Kind.INFO, Map.of("cookie_heder", "a=1"))).isEmpty());
    }
}
