package io.segflow.connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server of the test's own (Debian's package), on a data folder and port of its own,
 * with {@code wal_level=logical} for Debezium's {@code pgoutput}. PostgreSQL refuses to run as
 * root, so as root it runs as the package's {@code postgres} user.
 */
final class Postgres implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/local/bin"),
            Path.of("/usr/bin"));

    private final ChildProcess server;
    private final int port;

    private Postgres(ChildProcess server, int port) {
        this.server = server;
        this.port = port;
    }

    /** The folder holding {@code initdb} and {@code postgres}, if PostgreSQL is installed. */
    static Optional<Path> binaries() {
        return BINARIES.stream().filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("postgres")))
                .findFirst();
    }

    /** Starts a server in a new folder of its own under the system's temporary folder, which any user may enter. */
    static Postgres start(Path bin, int port) throws Exception {
        Path dir = Files.createTempDirectory("segflow-postgres");
        Path data = dir.resolve("pgdata");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            ChildProcess.run(List.of("chown", "-R", "postgres", dir.toString()), dir.resolve("chown.log"));
        }
        ChildProcess.run(asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                "--no-sync"), dir.resolve("initdb.log"));
        ChildProcess server = ChildProcess.start(asPostgres(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "wal_level=logical",
                "-c", "max_wal_senders=4", "-c", "max_replication_slots=4", "-c", "fsync=off"), dir.resolve("postgres.log"));
        server.awaitOutput("database system is ready to accept connections", Duration.ofMinutes(1));
        return new Postgres(server, port);
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    int port() {
        return port;
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
