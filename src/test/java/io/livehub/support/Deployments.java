package io.livehub.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/** The WAR that {@code mvn package} built, deployed as it is: the tests see what users run. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive livehub() {
        File war = new File(System.getProperty("livehub.war", "target/livehub.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war.getAbsolutePath() + " is missing: run the tests with 'mvn verify'");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
