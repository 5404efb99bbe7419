package peninsula;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.server.configuration.ServerSettings;

import sun.misc.Signal;

/**
 * Neo4j Community 5.26 in this process, Bolt on a loopback address.
 *
 * <pre>
 *   NEO4J_PASSWORD=... java -cp 'neo4j-launcher.jar:lib/*' peninsula.Neo4jLauncher --data DIR [--port 7687]
 *       [--host 127.0.0.1] [--http-port 7474] [--stop-on-stdin-eof]
 * </pre>
 *
 * Authentication is on; the user {@code neo4j} gets the password from NEO4J_PASSWORD (8 characters
 * or more) on every start. With {@code --http-port P} (0, the default, is off) Neo4j's own web server
 * listens on HOST:P and serves Neo4j Browser (org.neo4j.client:neo4j-browser, on the class path) at
 * http://HOST:P/browser/, offline: no telemetry, and a content security policy that lets the page
 * reach this machine only ({@link #OFFLINE_POLICY}); a line {@code BROWSER URL} is printed.
 * Prints one line {@code READY bolt://HOST:PORT} when Bolt (and the Browser) accept connections;
 * SIGTERM (or Ctrl-C) shuts the database down cleanly and exits 0, and so does the end of standard
 * input with {@code --stop-on-stdin-eof}: a parent that holds the other end of a pipe takes this Neo4j
 * with it when it dies, even by kill -9. Neo4j's transaction log makes a store left by kill -9
 * recover on the next start.
 */
public final class Neo4jLauncher {

    /**
     * Neo4j's default policy for the Browser's page without its outside hosts (Segment, Canny,
     * Google Fonts, the guides): scripts, styles, fonts and images from this server only, and
     * connections (Bolt over WebSocket, the HTTP reachability check) to loopback only.
     */
    static final String OFFLINE_POLICY = "default-src 'self'; script-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; font-src 'self'; base-uri 'none'; object-src 'none'; "
            + "frame-ancestors 'none'; connect-src 'self' ws://127.0.0.1:* ws://localhost:* "
            + "http://127.0.0.1:* http://localhost:*";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path data = null;
        String host = "127.0.0.1";
        int port = 7687;
        int httpPort = 0;
        boolean stopOnStdinEof = false;
        long pageCacheMb = 256;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--data" -> { data = Path.of(require(arg, value)); i++; }
                case "--host" -> { host = require(arg, value); i++; }
                case "--port" -> { port = Integer.parseInt(require(arg, value)); i++; }
                case "--http-port" -> { httpPort = Integer.parseInt(require(arg, value)); i++; }
                case "--page-cache-mb" -> { pageCacheMb = Long.parseLong(require(arg, value)); i++; }
                case "--stop-on-stdin-eof" -> stopOnStdinEof = true;
                default -> fail("unknown argument " + arg + " (use --data DIR [--host H] [--port P] [--http-port P]"
                        + " [--page-cache-mb N] [--stop-on-stdin-eof])");
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
        String policy = OFFLINE_POLICY + (host.equals("127.0.0.1") || host.equals("localhost") ? ""
                : " ws://" + host + ":* http://" + host + ":*");
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(data.toAbsolutePath())
                .setConfig(HttpConnector.enabled, httpPort != 0)
                .setConfig(HttpConnector.listen_address, new SocketAddress(host, httpPort == 0 ? 7474 : httpPort))
                .setConfig(HttpConnector.advertised_address, new SocketAddress(host, httpPort == 0 ? 7474 : httpPort))
                .setConfig(ServerSettings.allow_telemetry, false)
                .setConfig(ServerSettings.http_static_content_security_policy, policy)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .build();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {  // SIGTERM, Ctrl-C: a clean shutdown, exit 0
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        if (stopOnStdinEof) {
            Thread watch = new Thread(() -> awaitEof(stop), "stdin-eof");
            watch.setDaemon(true);
            watch.start();
        }
        try {
            setPassword(service, password);
            if (httpPort != 0) {
                System.out.println("BROWSER http://" + host + ":" + httpPort + "/browser/");
            }
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

    /** Counts STOP down when standard input ends (the parent closed its end of the pipe, or died). */
    private static void awaitEof(CountDownLatch stop) {
        byte[] buffer = new byte[256];
        try {
            while (System.in.read(buffer) != -1) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // a broken pipe ends the input as well
        }
        stop.countDown();
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
