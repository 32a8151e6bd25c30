package io.livehub.security.control;

import io.livehub.security.entity.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a token handed to the WebSocket handshake (browsers cannot send headers, so the
 * {@code token} query parameter cannot go through the container's MP-JWT mechanism). It reads
 * the same MicroProfile JWT keys: {@code mp.jwt.verify.publickey} (PEM) or
 * {@code mp.jwt.verify.publickey.location}, and {@code mp.jwt.verify.issuer}. RS256 only.
 */
@ApplicationScoped
public class TokenVerifier {

    static final long CLOCK_SKEW_SECONDS = 60;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    private volatile PublicKey key;

    public Caller verify(String token) throws InvalidToken {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidToken("not a JWT", false);
        }
        JsonObject header = json(parts[0]);
        if (!"RS256".equals(header.getString("alg", null))) {
            throw new InvalidToken("only RS256 tokens are accepted", false);
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new InvalidToken("bad signature", false);
            }
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new InvalidToken("bad signature", false);
        }
        JsonObject claims = json(parts[1]);
        long now = System.currentTimeMillis() / 1000;
        if (!(claims.get("exp") instanceof JsonNumber exp)) {
            throw new InvalidToken("the token has no expiry", false);
        }
        if (exp.longValue() + CLOCK_SKEW_SECONDS < now) {
            throw new InvalidToken("the token has expired", true);
        }
        if (claims.get("nbf") instanceof JsonNumber nbf && nbf.longValue() - CLOCK_SKEW_SECONDS > now) {
            throw new InvalidToken("the token is not valid yet", false);
        }
        if (issuer.isPresent() && !issuer.get().equals(claims.getString("iss", null))) {
            throw new InvalidToken("the token's issuer is not trusted", false);
        }
        String name = claims.getString("upn", claims.getString("preferred_username", claims.getString("sub", null)));
        if (name == null) {
            throw new InvalidToken("the token names nobody (no upn, preferred_username or sub)", false);
        }
        return new Caller(name, Set.copyOf(strings(claims.get("groups"))),
                claims.get("channels") instanceof JsonArray ? List.copyOf(strings(claims.get("channels"))) : null,
                exp.longValue() * 1000);
    }

    private static List<String> strings(JsonValue value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s) {
                    strings.add(s.getString());
                }
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(strings));
    }

    private static JsonObject json(String part) throws InvalidToken {
        try (JsonReader reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new InvalidToken("not a JWT", false);
        }
    }

    private PublicKey key() throws InvalidToken {
        PublicKey k = key;
        if (k == null) {
            String pem = publicKey.orElseGet(() -> publicKeyLocation.map(TokenVerifier::read).orElse(null));
            if (pem == null) {
                throw new InvalidToken("no verification key is configured", false);
            }
            try {
                k = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Tokens.der(pem)));
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidToken("the configured verification key is not an RSA public key", false);
            }
            key = k;
        }
        return k;
    }

    private static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                try (InputStream in = TokenVerifier.class.getResourceAsStream("/" + location.substring(10).replaceFirst("^/", ""))) {
                    return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            return Files.readString(path);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
