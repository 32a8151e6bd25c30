package io.livehub.security.control;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Supplies {@code mp.jwt.verify.publickey} and {@code mp.jwt.verify.issuer} from a development
 * key pair kept in the data directory (made at first use), so that a server with no key
 * configured is secure at once. Its ordinal is low: any configured key wins; and when the
 * operator gives a key through a system property or the environment, it supplies nothing at all.
 */
public class DevelopmentKeys implements ConfigSource {

    private static final Logger LOG = Logger.getLogger(DevelopmentKeys.class.getName());
    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String ISSUER = "mp.jwt.verify.issuer";
    public static final String PRIVATE_FILE = "jwt-private.pem";
    static final String PUBLIC_FILE = "jwt-public.pem";

    private volatile String publicPem;

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "livehub-development-keys";
    }

    @Override
    public Set<String> getPropertyNames() {
        return inUse() ? Set.of(PUBLIC_KEY, ISSUER) : Set.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return inUse() ? Map.of(PUBLIC_KEY, publicKey(), ISSUER, Tokens.DEVELOPMENT_ISSUER) : Map.of();
    }

    @Override
    public String getValue(String name) {
        if (!inUse()) {
            return null;
        }
        return switch (name) {
            case PUBLIC_KEY -> publicKey();
            case ISSUER -> Tokens.DEVELOPMENT_ISSUER;
            default -> null;
        };
    }

    /** True unless the operator configured a verification key through a system property or the environment. */
    public static boolean inUse() {
        for (String key : new String[]{PUBLIC_KEY, PUBLIC_KEY + ".location"}) {
            if (System.getProperty(key) != null || System.getenv(key.toUpperCase().replace('.', '_')) != null) {
                return false;
            }
        }
        return true;
    }

    public static Path dataDir() {
        String dir = System.getProperty("livehub.data.dir", System.getenv("LIVEHUB_DATA_DIR"));
        return Path.of(dir == null ? "livehub-data" : dir);
    }

    private String publicKey() {
        String pem = publicPem;
        if (pem == null) {
            synchronized (this) {
                if (publicPem == null) {
                    publicPem = loadOrCreate(dataDir());
                }
                pem = publicPem;
            }
        }
        return pem;
    }

    static String loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (Files.isReadable(privateFile) && Files.isReadable(publicFile)) {
                return Files.readString(publicFile);
            }
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(privateFile, Tokens.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own permissions protect it
            }
            String pem = Tokens.pem("PUBLIC KEY", pair.getPublic().getEncoded());
            Files.writeString(publicFile, pem);
            LOG.info("Created a development key pair for tokens in " + dir.toAbsolutePath());
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the development key pair in " + dir.toAbsolutePath(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
