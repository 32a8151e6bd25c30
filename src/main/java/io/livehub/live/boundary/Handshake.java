package io.livehub.live.boundary;

import io.livehub.live.control.Connection;
import io.livehub.security.control.AuthMode;
import io.livehub.security.control.InvalidToken;
import io.livehub.security.control.TokenVerifier;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.Map;

/**
 * Verifies the token of a WebSocket handshake ({@code token} query parameter, or
 * {@code Authorization: Bearer}) and keeps who the caller is, or why it was refused, for the
 * endpoint: a refused client is accepted and then closed with 1008, which a browser can see
 * (a refused upgrade only shows it 1006). Created by reflection, once: it keeps no state.
 */
public class Handshake extends ServerEndpointConfig.Configurator {

    static final String CALLER = "livehub.caller";
    static final String REFUSED = "livehub.refused";

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Map<String, Object> properties = config.getUserProperties();
        properties.remove(CALLER);
        properties.remove(REFUSED);
        first(request.getHeaders(), HandshakeFilter.REMOTE_ADDRESS).ifPresent(a -> properties.put(Connection.REMOTE_ADDRESS, a));
        if (CDI.current().select(AuthMode.class).get().open()) {
            return;
        }
        String token = first(request.getParameterMap(), "token")
                .or(() -> first(request.getHeaders(), "Authorization")
                        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim()))
                .orElse(null);
        if (token == null || token.isEmpty()) {
            properties.put(REFUSED, "no token: give ?token=<JWT> or 'Authorization: Bearer <JWT>'");
            return;
        }
        try {
            var caller = CDI.current().select(TokenVerifier.class).get().verify(token);
            properties.put(CALLER, caller);
            properties.put(Connection.USER, caller.name());
        } catch (InvalidToken e) {
            properties.put(REFUSED, "token refused: " + e.getMessage());
        }
    }

    /**
     * The one {@link LiveSocket}, an application-scoped bean, for every connection. The default
     * asks the container's CDI integration for a new instance per connection, and Payara keeps
     * that instance's injection context until the connection closes (about 1.3 KiB each).
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpoint) {
        return CDI.current().select(endpoint).get();
    }

    private static java.util.Optional<String> first(Map<String, List<String>> values, String name) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return java.util.Optional.ofNullable(e.getValue().get(0));
            }
        }
        return java.util.Optional.empty();
    }
}
