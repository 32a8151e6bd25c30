package io.livehub.support;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * The base of the tests against Livehub deployed by Arquillian on a real Payara Micro, after
 * {@link StoreCheck} has made sure the database is there. Tests talk to {@link #base} through
 * {@link Api} and {@link LiveClient}, which use 127.0.0.1.
 */
@ExtendWith({StoreCheck.class, ArquillianExtension.class})
public abstract class Deployed {

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.livehub();
    }

    @ArquillianResource
    protected URL base;
}
