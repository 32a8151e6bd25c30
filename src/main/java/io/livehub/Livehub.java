package io.livehub;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The REST API of Livehub under {@code /api}. Authentication (MicroProfile JWT) is added
 * here by the security component; until then the server behaves as {@code livehub.auth.mode=open}.
 */
@ApplicationPath("api")
public class Livehub extends Application {
}
