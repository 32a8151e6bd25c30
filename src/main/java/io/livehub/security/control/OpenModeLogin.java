package io.livehub.security.control;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.logging.Logger;

/**
 * With {@code livehub.auth.mode=open}, takes {@code @LoginConfig} off the application before
 * the container sees it, so that the container's MP-JWT mechanism is not installed at all.
 * Installed, Jakarta Security runs it on every request (on Payara: a JNDI and a CDI lookup each
 * time, about a quarter of the HTTP threads' CPU on single POSTs), only to find no token, or to
 * refuse with 401 a stale token that open mode is meant to ignore. Payara's MP-JWT extension
 * looks for the annotation on CDI beans, which is where this takes it off; a container that
 * reads it elsewhere keeps its mechanism, and open mode still lets every call through.
 */
public class OpenModeLogin implements Extension {

    private static final Logger LOG = Logger.getLogger(OpenModeLogin.class.getName());

    <T> void withoutLogin(@Observes @WithAnnotations(LoginConfig.class) ProcessAnnotatedType<T> type) {
        String mode = ConfigProvider.getConfig().getOptionalValue(AuthMode.KEY, String.class).orElse(AuthMode.JWT);
        if (AuthMode.open(mode)) {
            type.configureAnnotatedType().remove(a -> a.annotationType() == LoginConfig.class);
            LOG.info("livehub.auth.mode=open: the container's MP-JWT authentication is not installed");
        }
    }
}
