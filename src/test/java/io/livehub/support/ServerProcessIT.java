package io.livehub.support;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Payara Micro that boots without deploying its application fails the start at once, quoting
 * Payara's reason, instead of the test or the benchmark waiting out the three minutes a server
 * has to answer. (A benchmark run once waited them out: Payara had refused Livehub's WAR with
 * "JNDI lookup failed for the resource ... java:app/jdbc/livehub" and come up with nothing deployed.)
 * The application here is a WAR whose resource reference names no resource, which Payara's
 * deployment refuses with that message.
 */
class ServerProcessIT {

    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                <resource-ref>
                    <res-ref-name>jdbc/livehub</res-ref-name>
                    <res-type>javax.sql.DataSource</res-type>
                    <lookup-name>java:app/jdbc/nowhere</lookup-name>
                </resource-ref>
            </web-app>
            """;

    @Test
    void aServerThatBootsWithoutTheApplicationFailsTheStartWithPayarasReason() throws Exception {
        ServerProcess.Place place = ServerProcess.place("not-deployed");
        Path war = place.dataDir().resolve("not-deployable.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            zip.write(WEB_XML.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        ServerProcess server = new ServerProcess(place.log(), ServerProcess.TEST_JVM, war);

        IllegalStateException failed = assertThrows(IllegalStateException.class, server::start);
        String message = failed.getMessage();
        assertTrue(message.startsWith("Payara Micro started but did not deploy " + war + ": "), message);
        assertTrue(message.contains("JNDI lookup failed for the resource") && message.contains("java:app/jdbc/nowhere"), message);
        assertTrue(message.endsWith("; see " + place.log()), message);
    }
}
