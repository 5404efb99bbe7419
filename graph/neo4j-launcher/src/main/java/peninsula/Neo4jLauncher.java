package peninsula;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

import sun.misc.Signal;

/**
 * Neo4j Community 5.26 in this process, Bolt on a loopback address.
 *
 * <pre>
 *   NEO4J_PASSWORD=... java -cp 'neo4j-launcher.jar:lib/*' peninsula.Neo4jLauncher --data DIR [--port 7687] [--host 127.0.0.1]
 * </pre>
 *
 * Authentication is on; the user {@code neo4j} gets the password from NEO4J_PASSWORD (8 characters
 * or more) on every start. Prints one line {@code READY bolt://HOST:PORT} when Bolt accepts
 * connections; SIGTERM (or Ctrl-C) shuts the database down cleanly and exits 0. Neo4j's transaction log makes a
 * store left by kill -9 recover on the next start.
 */
public final class Neo4jLauncher {

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path data = null;
        String host = "127.0.0.1";
        int port = 7687;
        long pageCacheMb = 256;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--data" -> { data = Path.of(require(arg, value)); i++; }
                case "--host" -> { host = require(arg, value); i++; }
                case "--port" -> { port = Integer.parseInt(require(arg, value)); i++; }
                case "--page-cache-mb" -> { pageCacheMb = Long.parseLong(require(arg, value)); i++; }
                default -> fail("unknown argument " + arg + " (use --data DIR [--host H] [--port P] [--page-cache-mb N])");
            }
        }
        if (data == null) {
            fail("--data DIR is required: the directory that holds the database");
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("set NEO4J_PASSWORD (8 characters or more): the password of the user neo4j");
        }
        Files.createDirectories(data);
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(data.toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .build();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {  // SIGTERM, Ctrl-C: a clean shutdown, exit 0
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        try {
            setPassword(service, password);
            System.out.println("READY bolt://" + host + ":" + port);
            System.out.flush();
            stop.await();
        } finally {
            service.shutdown();
        }
        System.out.println("STOPPED");
        System.out.flush();
        System.exit(0);
    }

    /** The user neo4j with the given password, no change required (Community has ALTER USER). */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("same")) {  // already this password: nothing to change
                throw e;
            }
        }
    }

    private static String require(String flag, String value) {
        if (value == null) {
            fail(flag + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("neo4j-launcher: " + message);
        System.exit(2);
    }
}
