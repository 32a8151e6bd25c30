package io.livehub.support;

import io.livehub.security.control.Tokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.List;

/**
 * Tokens signed with the tests' key pair (src/test/resources/jwt), which the servers under
 * test trust through {@code mp.jwt.verify.publickey.location} and {@code mp.jwt.verify.issuer}.
 */
public final class TestTokens {

    public static final String ISSUER = "https://livehub.test";
    private static final PrivateKey KEY = Tokens.privateKey(resource("/jwt/test-private.pem"));

    private TestTokens() {
    }

    public static String admin() {
        return mint("test-admin", List.of("admin"), null, 3600);
    }

    public static String mint(String subject, List<String> groups, List<String> channels, long ttlSeconds) {
        return Tokens.mint(KEY, ISSUER, subject, groups, channels, ttlSeconds);
    }

    /** A token signed by a key the server does not trust. */
    public static String forged(String subject, List<String> groups) {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Tokens.mint(generator.generateKeyPair().getPrivate(), ISSUER, subject, groups, null, 3600);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The system properties that make a server trust these tokens. */
    public static String[] serverProperties() {
        return new String[]{
                "mp.jwt.verify.publickey.location=" + java.nio.file.Path.of("src/test/resources/jwt/test-public.pem").toAbsolutePath().toUri(),
                "mp.jwt.verify.issuer=" + ISSUER};
    }

    private static String resource(String path) {
        try (InputStream in = TestTokens.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
