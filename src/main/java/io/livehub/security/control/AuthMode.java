package io.livehub.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code livehub.auth.mode}: {@code jwt} (the default) or {@code open} (authentication off). */
@ApplicationScoped
public class AuthMode {

    static final String KEY = "livehub.auth.mode";
    static final String JWT = "jwt";

    @Inject
    @ConfigProperty(name = KEY, defaultValue = JWT)
    String mode;

    public boolean open() {
        return open(mode);
    }

    static boolean open(String mode) {
        return "open".equalsIgnoreCase(mode.trim());
    }
}
