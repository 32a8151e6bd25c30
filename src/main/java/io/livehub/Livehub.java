package io.livehub;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The REST API of Livehub under {@code /api}. Tokens are verified by MicroProfile JWT; which
 * role a resource needs is declared with {@code @Allowed} and enforced by {@code security}.
 */
@ApplicationPath("api")
@ApplicationScoped // a CDI bean, so that Payara's MP-JWT extension sees @LoginConfig
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"subscriber", "publisher", "admin"})
public class Livehub extends Application {
}
