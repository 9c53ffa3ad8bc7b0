package dev.modelmanager.launcher;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;

/**
 * Lets {@code bin/modelmanager -c ...} run its commands in the instance already running from the same folder, so
 * that they see and change what the server holds. A Unix domain socket, {@code data/shell.sock}, readable and
 * writable by its owner only: no network port, no password to leak. The client sends its commands; the server
 * runs them through Gogo as a local {@code -c} would and streams back what they print, then the exit status.
 * <p>
 * Frames: the client writes {@link #VERSION} (a negative int), its working directory as UTF (the commands take
 * relative paths against it, as they would when run by the client itself), an int (number of commands) and each
 * command as UTF; the server answers frames of a byte ({@code 'O'} out, {@code 'E'} err, {@code 'X'} exit) and an
 * int (length, or the exit status for X).
 */
final class ShellSocket implements AutoCloseable {
    static final String FILE = "shell.sock";
    /** The first int a client sends: the protocol's version, negative so that it is never a command count. */
    static final int VERSION = -2;

    private final ServerSocketChannel server;
    private final Path path;

    private ShellSocket(ServerSocketChannel server, Path path) {
        this.server = server;
        this.path = path;
    }

    /** Listens on {@code data/shell.sock} and serves each connection on a thread of its own. */
    static ShellSocket open(Path data, BundleContext context, PrintStream err) {
        Path path = data.resolve(FILE);
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own permissions protect it
            }
            ShellSocket socket = new ShellSocket(server, path);
            Thread acceptor = new Thread(() -> socket.accept(context), "modelmanager-shell-socket");
            acceptor.setDaemon(true);
            acceptor.start();
            return socket;
        } catch (IOException | UnsupportedOperationException e) {
            err.println("modelmanager: commands from other processes are not accepted (" + e.getMessage() + ")");
            return null;
        }
    }

    private void accept(BundleContext context) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread worker = new Thread(() -> serve(client, context), "modelmanager-shell-client");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void serve(SocketChannel client, BundleContext context) {
        try (client; DataInputStream in = new DataInputStream(Channels.newInputStream(client));
             DataOutputStream frames = new DataOutputStream(Channels.newOutputStream(client))) {
            if (in.readInt() != VERSION) {
                return;
            }
            Path directory = directory(in.readUTF());
            int count = in.readInt();
            if (directory == null || count < 0 || count > 10_000) {
                return;
            }
            List<String> commands = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                commands.add(in.readUTF());
            }
            PrintStream out = new PrintStream(new Framed(frames, 'O'), true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new Framed(frames, 'E'), true, StandardCharsets.UTF_8);
            int status = new CommandRunner(context, InputStream.nullInputStream(), out, err, directory)
                .runAll(commands);
            out.flush();
            err.flush();
            synchronized (frames) {
                frames.writeByte('X');
                frames.writeInt(status);
                frames.flush();
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the commands in the instance listening in {@code data}; {@code null} when none answers (then the
     * caller runs them itself).
     */
    static Integer forward(Path data, List<String> commands, PrintStream out, PrintStream err) {
        Path path = data.resolve(FILE);
        if (!Files.exists(path)) {
            return null;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        try (channel; DataOutputStream request = new DataOutputStream(Channels.newOutputStream(channel));
             DataInputStream frames = new DataInputStream(Channels.newInputStream(channel))) {
            request.writeInt(VERSION);
            request.writeUTF(Path.of("").toAbsolutePath().toString());
            request.writeInt(commands.size());
            for (String command : commands) {
                request.writeUTF(command);
            }
            request.flush();
            while (true) {
                int kind = frames.readByte();
                int value = frames.readInt();
                if (kind == 'X') {
                    out.flush();
                    err.flush();
                    return value;
                }
                byte[] bytes = frames.readNBytes(value);
                (kind == 'E' ? err : out).write(bytes, 0, bytes.length);
                (kind == 'E' ? err : out).flush();
            }
        } catch (IOException e) {
            err.println("modelmanager: the running instance stopped answering: " + e.getMessage());
            return Launcher.COMMAND_FAILED;
        }
    }

    /** The client's folder, if it is an absolute path (else the connection is refused). */
    private static Path directory(String given) {
        try {
            Path path = Path.of(given);
            return path.isAbsolute() ? path.normalize() : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // exiting anyway
        }
    }

    /** An output stream that sends what is written as frames of one kind. */
    private static final class Framed extends OutputStream {
        private final DataOutputStream frames;
        private final char kind;

        Framed(DataOutputStream frames, char kind) {
            this.frames = frames;
            this.kind = kind;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (frames) {
                frames.writeByte(kind);
                frames.writeInt(len);
                frames.write(b, off, len);
                frames.flush();
            }
        }
    }
}
