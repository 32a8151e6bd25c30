package io.livehub.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a failed start quotes from Payara's log. */
class ServerProcessTest {

    private static final String ESC = "\u001B";

    /** Two SEVERE lines as Payara Micro wrote them when it booted without deploying Livehub (a benchmark run, 2026-11-24). */
    private static final String LOG = """
            [2026-11-24T22:43:51.573+0000] [] [%1$s[1;92mINFO%1$s[0m] [AS-WEB-GLUE-00201] [%1$s[1;94mjakarta.enterprise.web%1$s[0m] [tid: _ThreadID=1 _ThreadName=main] [timeMillis: 1795560231573] [levelValue: 800] Virtual server server loaded default web module

            [2026-11-24T22:43:52.528+0000] [] [%1$s[1;91mSEVERE%1$s[0m] [] [%1$s[1;94mjavax.enterprise.system.tools.deployment.dol%1$s[0m] [tid: _ThreadID=1 _ThreadName=main] [timeMillis: 1795560232528] [levelValue: 1000] AS-DEPLOYMENT-00026

            [2026-11-24T22:43:52.530+0000] [] [%1$s[1;91mSEVERE%1$s[0m] [] [%1$s[1;94mjavax.enterprise.system.core%1$s[0m] [tid: _ThreadID=1 _ThreadName=main] [timeMillis: 1795560232530] [levelValue: 1000] JNDI lookup failed for the resource: Name: [livehub], Lookup: [java:app/jdbc/livehub], Type: [javax.sql.DataSource]

            [2026-11-24T22:43:52.583+0000] [] [%1$s[1;92mINFO%1$s[0m] [] [%1$s[1;94mPayaraMicro%1$s[0m] [tid: _ThreadID=1 _ThreadName=main] [timeMillis: 1795560232583] [levelValue: 800] Deployed 1 archive(s)
            """.formatted(ESC);

    @Test
    void quotesTheMessagesOfPayarasSevereLinesWithoutTheirFieldsAndColours() {
        assertEquals(": AS-DEPLOYMENT-00026 | JNDI lookup failed for the resource: Name: [livehub], Lookup: [java:app/jdbc/livehub], "
                + "Type: [javax.sql.DataSource]", ServerProcess.severe(LOG));
    }

    @Test
    void quotesNothingWhenNoLineIsSevere() {
        assertEquals("", ServerProcess.severe(LOG.lines().filter(l -> !l.contains("SEVERE")).reduce("", (a, b) -> a + b + "\n")));
    }

    @Test
    void quotesAtMostThreeLinesOfAtMost300Characters() {
        String line = "[2026-11-24T22:43:52.530+0000] [] [SEVERE] [] [x] [tid: _ThreadID=1] [timeMillis: 1] [levelValue: 1000] " + "y".repeat(400) + "\n";
        String quoted = ServerProcess.severe(line.repeat(5));
        assertEquals(": " + String.join(" | ", java.util.Collections.nCopies(3, "y".repeat(300) + "…")), quoted);
    }
}
