package io.livehub.security.control;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Mints RS256 tokens Livehub accepts. Uses the JDK only, so it also runs as a command on a
 * checkout, signing with the development key in the data directory:
 * <pre>
 * java src/main/java/io/livehub/security/control/Tokens.java --sub alice --groups subscriber --channels 'tenant-7.*'
 * </pre>
 * Options: {@code --sub}, {@code --groups} (subscriber,publisher,admin), {@code --channels}
 * (patterns; omit for all), {@code --ttl} seconds (3600), {@code --key} (PKCS#8 PEM, default
 * {@code livehub-data/jwt-private.pem}), {@code --issuer} (livehub-dev).
 */
public final class Tokens {

    public static final String DEVELOPMENT_ISSUER = "livehub-dev";

    private Tokens() {
    }

    public static String mint(PrivateKey key, String issuer, String subject, List<String> groups,
                              List<String> channels, long ttlSeconds) {
        long now = System.currentTimeMillis() / 1000;
        StringBuilder claims = new StringBuilder("{\"iss\":").append(quote(issuer))
                .append(",\"sub\":").append(quote(subject))
                .append(",\"upn\":").append(quote(subject))
                .append(",\"jti\":").append(quote(UUID.randomUUID().toString()))
                .append(",\"iat\":").append(now)
                .append(",\"exp\":").append(now + ttlSeconds)
                .append(",\"groups\":").append(array(groups));
        if (channels != null) {
            claims.append(",\"channels\":").append(array(channels));
        }
        String unsigned = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64(claims.append('}').toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the token", e);
        }
    }

    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA private key in PKCS#8 PEM", e);
        }
    }

    /** The bytes of a PEM block (or of bare base64). */
    public static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String array(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(quote(v)));
        return "[" + String.join(",", quoted) + "]";
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append(String.format("\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        String subject = "developer";
        List<String> groups = List.of("subscriber");
        List<String> channels = null;
        long ttl = 3600;
        Path key = Path.of(System.getProperty("livehub.data.dir", "livehub-data"), "jwt-private.pem");
        String issuer = DEVELOPMENT_ISSUER;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--sub" -> subject = value;
                case "--groups" -> groups = List.of(value.split(","));
                case "--channels" -> channels = List.of(value.split(","));
                case "--ttl" -> ttl = Long.parseLong(value);
                case "--key" -> key = Path.of(value);
                case "--issuer" -> issuer = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!Files.isReadable(key)) {
            System.err.println("No private key at " + key.toAbsolutePath()
                    + ": start Livehub once (it creates a development key there), or give --key");
            System.exit(2);
        }
        System.out.println(mint(privateKey(Files.readString(key)), issuer, subject, groups, channels, ttl));
    }
}
