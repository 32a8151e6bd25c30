package io.livehub.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code livehub.auth.mode}: {@code jwt} (the default) or {@code open} (authentication off). */
@ApplicationScoped
public class AuthMode {

    @Inject
    @ConfigProperty(name = "livehub.auth.mode", defaultValue = "jwt")
    String mode;

    public boolean open() {
        return "open".equalsIgnoreCase(mode.trim());
    }
}
