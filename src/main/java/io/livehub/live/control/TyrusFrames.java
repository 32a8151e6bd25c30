package io.livehub.live.control;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one place that knows Payara's WebSocket stack (Tyrus on Grizzly) from the inside: it
 * writes pre-built frames straight to the upgraded connection's Grizzly {@code Connection},
 * below Tyrus's servlet writer: into its transport's async write queue when no filter of its
 * chain acts on a buffer written ({@link #PASS_THROUGH}), else through the chain (TLS included). That skips what every
 * {@code RemoteEndpoint} send costs on Payara: Tyrus scheduling an idle-timeout task on the
 * managed scheduler (about half the CPU of a fan-out, see STACK.md), then Catalina's and
 * Grizzly's HTTP output buffers (an allocation, a copy and a flush per send). It also lets a
 * connection write several queued frames at once. Until the servlet container has handed the
 * connection to Tyrus (just after the endpoint opens), and wherever the Grizzly link is not
 * there, frames go through {@code TyrusWebSocket.sendRawFrame}, the path of Tyrus's own broadcast.
 * <p>
 * Frames written here and Tyrus's own (pongs, close frames, the pings {@code Connection} sends
 * through the portable API) are each written whole, so they meet in order in the connection's
 * one async write queue; a connection has only one write of its own in flight.
 * <p>
 * It also gives the session a scheduler that drops Tyrus's idle-timeout task when no idle
 * timeout is set (the task then does nothing, but scheduling it is what costs): Tyrus schedules
 * one for every message received, and each pong a client sends is one.
 * <p>
 * And it gives back buffers of the upgrade's HTTP request that Payara keeps for the life of the
 * connection but that nothing reads after the handshake ({@link #releaseQueryBuffers}).
 * <p>
 * Reached by reflection, so the WAR neither compiles nor links against Tyrus or Grizzly: on
 * another container (WildFly's Undertow), on a Tyrus without these members, or on a session that
 * negotiated an extension (whose frames Tyrus would transform), {@link #of} answers null and the
 * connection uses the portable {@code RemoteEndpoint.Async}.
 */
public final class TyrusFrames {

    private static final Logger LOG = Logger.getLogger(TyrusFrames.class.getName());
    private static final String REMOTE_ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String IDLE_TIMEOUT_TASK = "org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand";
    /**
     * The filters of Payara's HTTP listener (without TLS) that do nothing to a buffer written on an
     * upgraded connection but pass it on to the transport: the HTTP codecs leave what is not an
     * HTTP packet alone, the file cache and WebSocket filters only read, and the idle-timeout
     * filter's bookkeeping does not apply to upgraded connections (one that took only Livehub's
     * writes, without pings, stayed open past the 30 s keep-alive timeout). Any other filter (TLS,
     * SNI, port unification, one of another version) keeps the whole chain on every write.
     */
    static final Set<String> PASS_THROUGH = Set.of(
            "org.glassfish.grizzly.filterchain.TransportFilter",
            "org.glassfish.grizzly.utils.IdleTimeoutFilter",
            "com.sun.enterprise.v3.services.impl.GlassfishNetworkListener$GlassfishHttpCodecFilter",
            "org.glassfish.grizzly.http.HttpServerFilter",
            "org.glassfish.grizzly.http2.Http2ServerFilter",
            "org.glassfish.grizzly.http.server.FileCacheFilter",
            "org.glassfish.grizzly.extras.addons.WebSocketAddOnProvider$GlassfishWebSocketFilter",
            "org.glassfish.grizzly.http.server.HttpServerFilter");

    /** Whether a chain of these filters (class names, transport first) passes a buffer written on unchanged. */
    static boolean passThrough(List<String> filters) {
        return !filters.isEmpty() && filters.get(0).equals("org.glassfish.grizzly.filterchain.TransportFilter")
                && PASS_THROUGH.containsAll(filters);
    }

    /**
     * Tyrus's internals this class uses: the WebSocket behind a remote endpoint and its raw send;
     * for closing, its state (null when not found), the values connected and closing, its
     * {@code onClose(CloseFrame)} and the {@code CloseFrame(CloseReason)} constructor.
     */
    private record Internals(Field webSocket, MethodHandle sendRawFrame, Field state, Object connected,
                             Object closingState, MethodHandle onClose, MethodHandle newCloseFrame) {
    }

    private static final Internals NONE = new Internals(null, null, null, null, null, null, null);
    private static final Found<Internals> INTERNALS = new Found<>();

    private final Session session;
    private final Object webSocket;
    private final MethodHandle sendRawFrame;
    private final Consumer<Throwable> written;
    /** When each Grizzly write counts as taken: at once, or once Grizzly finished it. */
    private final WriteReports reports;
    /*
     * The upgraded connection's Grizzly socket, its memory manager and a completion handler, found
     * on a send (the servlet container hands Tyrus the connection just after the endpoint opens):
     * touched only by the connection's one sender at a time. While null, frames go through Tyrus.
     */
    private Object grizzly;
    private Object memory;
    private Object grizzlyDone;
    /** The connection's async write queue when its filter chain does nothing to a buffer written; else null. */
    private Object directWriter;
    private boolean grizzlyMissing;
    private final Lent lent = new Lent(WriteBuffers.SHARED);

    private TyrusFrames(Session session, Object webSocket, MethodHandle sendRawFrame, Consumer<Throwable> written,
                        Consumer<Throwable> broken) {
        this.session = session;
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
        this.written = written;
        this.reports = new WriteReports(written, broken);
    }

    /**
     * Pre-built frames for this session, or null when the portable path must be used;
     * {@code written} gets null or the failure once each {@link #send} has been taken;
     * {@code broken} gets the failure of a write the container had taken and could not finish.
     */
    static TyrusFrames of(Session session, Consumer<Throwable> written, Consumer<Throwable> broken) {
        try {
            Object remote = session.getAsyncRemote();
            Internals found = internals(remote.getClass());
            if (found.webSocket() == null || !session.getNegotiatedExtensions().isEmpty()
                    || !found.webSocket().getDeclaringClass().isInstance(remote)) {
                return null;
            }
            Object webSocket = found.webSocket().get(remote);
            if (webSocket == null) {
                return null;
            }
            quietIdleTimeout(session);
            return new TyrusFrames(session, webSocket, found.sendRawFrame(), written, broken);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Writes a close frame ({@code code}, {@code reason}) to a session without closing the
     * connection: the client answers with its own, and Tyrus closes the connection as it does for
     * a close the client starts, on the thread reading it. False where Tyrus's internals are not
     * there or the session is no longer open; the caller then closes the session itself.
     */
    static boolean sendClose(Session session, int code, String reason) {
        Object webSocket = closing(session);
        if (webSocket == null) {
            return false;
        }
        try {
            INTERNALS.now().sendRawFrame().invoke(webSocket, ByteBuffer.wrap(closeFrame(code, reason)));
            return true;
        } catch (Throwable notSent) {
            LOG.fine(() -> "A close frame could not be written to session " + session.getId() + ": " + notSent);
            return true; // the session is marked closing: closeNow ends it
        }
    }

    /**
     * Marks the session's Tyrus WebSocket as closing, as Tyrus does when it sends a close frame
     * itself, so that the client's answer closes the connection rather than being answered with a
     * second close frame (which browsers refuse: "Close received after close", and the close code
     * is lost). The WebSocket, or null where the internals are not there or it is not open.
     */
    @SuppressWarnings("unchecked")
    static Object closing(Session session) {
        try {
            Internals found = internals(session.getAsyncRemote().getClass());
            Object webSocket = found.state() == null ? null : webSocket(session);
            if (webSocket == null) {
                return null;
            }
            AtomicReference<Object> state = (AtomicReference<Object>) found.state().get(webSocket);
            return state.compareAndSet(found.connected(), found.closingState()) ? webSocket : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.fine(() -> "Session " + session.getId() + " could not be marked closing: " + e);
            return null;
        }
    }

    /**
     * Ends a session marked {@link #closing} whose client has not answered: what Tyrus does when
     * the answer comes (the endpoint's {@code @OnClose}, then the connection closed).
     */
    static void closeNow(Session session, int code, String reason) {
        try {
            Internals found = INTERNALS.now();
            Object webSocket = found.webSocket().get(session.getAsyncRemote());
            Object frame = found.newCloseFrame().invoke(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            found.onClose().invoke(webSocket, frame);
        } catch (Throwable e) {
            LOG.fine(() -> "Session " + session.getId() + " could not be ended the way Tyrus does: " + e);
            Hub.closeQuietly(session, code, reason);
        }
    }

    /** The Tyrus WebSocket behind a session; null where Tyrus's internals are not there or it has none. */
    private static Object webSocket(Session session) throws IllegalAccessException {
        Object remote = session.getAsyncRemote();
        Internals found = internals(remote.getClass());
        if (found.webSocket() == null || !found.webSocket().getDeclaringClass().isInstance(remote)) {
            return null;
        }
        return found.webSocket().get(remote);
    }

    /**
     * Whether the session's TCP connection has ended under it: Grizzly closes the socket when the
     * client goes, but Tyrus does not end a session marked {@link #closing} then (it ends only
     * sessions still connected), so a client that drops its connection instead of answering the
     * close frame would hold its session until the answer is overdue. False when it is open, or
     * when that cannot be told (another container).
     */
    static boolean connectionEnded(Session session) {
        try {
            Object webSocket = webSocket(session);
            Object connection = webSocket == null ? null : GrizzlyPath.connection(webSocket);
            if (connection == null) {
                return false;
            }
            Class<?> grizzlyConnection = Class.forName("org.glassfish.grizzly.Connection", false, connection.getClass().getClassLoader());
            return !(boolean) grizzlyConnection.getMethod("isOpen").invoke(connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Gives back the two 1024-character buffers Grizzly's {@code Parameters} decodes a query with
     * (4 KB), once a WebSocket handshake's parameters are read: Payara keeps the upgrade's request
     * for the life of the connection (its input is read through it), and with it these buffers,
     * an eighth of the heap an idle connection holds. {@code CharChunk.reset()} drops a buffer; a
     * later decoding, which the parsed parameters make unlikely, allocates one again. Called
     * after the upgrade, on the thread that made it. Does nothing where these classes are not
     * there (another container).
     */
    public static void releaseQueryBuffers(ServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        QueryBuffers found = QueryBuffers.of(r);
        if (found == null) {
            return;
        }
        try {
            Object coyote = found.coyoteRequest().invoke(found.facadeRequest().get(r));
            Object parameters = found.parameters().invoke(coyote);
            found.reset().invoke(found.name().get(parameters));
            found.reset().invoke(found.value().get(parameters));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.fine(() -> "The upgrade request's query buffers were not released: " + e);
        }
    }

    /** Payara's way from its {@code RequestFacade} to the query buffers of Grizzly's request; resolved once. */
    private record QueryBuffers(Class<?> facade, Field facadeRequest, Method coyoteRequest, Method parameters,
                                Field name, Field value, Method reset) {

        private static final QueryBuffers NOT_FOUND = new QueryBuffers(null, null, null, null, null, null, null);
        private static final Found<QueryBuffers> FOUND = new Found<>();

        /** This way for a request of this class; null when it is not there (another container). */
        static QueryBuffers of(ServletRequest request) {
            QueryBuffers q = FOUND.get(() -> find(request));
            return q.facade() == request.getClass() ? q : null;
        }

        private static QueryBuffers find(ServletRequest request) {
            try {
                Field facadeRequest = GrizzlyPath.field(request.getClass(), "request");
                Method coyoteRequest = facadeRequest.getType().getMethod("getCoyoteRequest");
                Method parameters = coyoteRequest.getReturnType().getMethod("getParameters");
                Field name = GrizzlyPath.field(parameters.getReturnType(), "tmpNameC");
                Field value = GrizzlyPath.field(parameters.getReturnType(), "tmpValueC");
                if (name.getType() != value.getType()) {
                    throw new NoSuchFieldException("tmpValueC of another type than tmpNameC");
                }
                return new QueryBuffers(request.getClass(), facadeRequest, coyoteRequest, parameters, name, value,
                        name.getType().getMethod("reset"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.info("The upgrade request's query buffers stay with each WebSocket (" + e + ")");
                return NOT_FOUND;
            }
        }
    }

    /**
     * A fact about the container, found once from the first object that needs it: threads that come
     * while it is being found wait for it, so it is looked up, and logged, once.
     */
    private static final class Found<T> {

        private volatile T value;

        /** The fact, found by {@code find} if this is the first call. */
        T get(Supplier<T> find) {
            T v = value;
            return v != null ? v : findOnce(find);
        }

        private synchronized T findOnce(Supplier<T> find) {
            if (value == null) {
                value = find.get();
            }
            return value;
        }

        /** The fact if it is found; else null. */
        T now() {
            return value;
        }

        /** Takes {@code v} as the fact unless one is found already; whether it did. */
        synchronized boolean setIfAbsent(T v) {
            if (value != null) {
                return false;
            }
            value = v;
            return true;
        }
    }

    /** A close frame as a server sends it (unmasked); the reason is cut to the 123 bytes a control frame has room for. */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        byte[] payload = new byte[2 + length];
        ByteBuffer.wrap(payload).putShort((short) code).put(text, 0, length);
        return Frame.frame(0x88, payload);
    }

    /**
     * Wraps {@code TyrusSession.service}: an idle-timeout task due at once (no idle timeout set)
     * is dropped, everything else goes to Tyrus's scheduler as before. Best effort.
     */
    private static void quietIdleTimeout(Session session) {
        if (!session.getClass().getName().equals(SESSION) || session.getMaxIdleTimeout() > 0) {
            return;
        }
        try {
            Field field = session.getClass().getDeclaredField("service");
            field.setAccessible(true);
            Object service = field.get(session);
            if (!(service instanceof ScheduledExecutorService scheduler) || Proxy.isProxyClass(service.getClass())) {
                return;
            }
            field.set(session, Proxy.newProxyInstance(TyrusFrames.class.getClassLoader(),
                    new Class<?>[]{ScheduledExecutorService.class}, (proxy, method, args) -> {
                        if (method.getName().equals("schedule") && args.length == 3 && args[0] instanceof Runnable task
                                && task.getClass().getName().equals(IDLE_TIMEOUT_TASK) && ((Long) args[1]) <= 0) {
                            return NOTHING_SCHEDULED;
                        }
                        try {
                            return method.invoke(scheduler, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.fine(() -> "Tyrus's idle-timeout scheduling stays as it is: " + e);
        }
    }

    /** What a dropped idle-timeout task is answered with: done, nothing to cancel. */
    private static final ScheduledFuture<Object> NOTHING_SCHEDULED = new ScheduledFuture<>() {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    };

    /** The internals for closing, when this Tyrus has them; else {@code found} as it is. */
    private static Internals withClosing(Internals found, Class<?> webSocket) {
        try {
            Field state = webSocket.getDeclaredField("state");
            state.setAccessible(true);
            Class<?> states = Class.forName(webSocket.getName() + "$State", false, webSocket.getClassLoader());
            Object connected = null;
            Object closing = null;
            for (Object value : states.getEnumConstants()) {
                String name = ((Enum<?>) value).name();
                connected = name.equals("CONNECTED") ? value : connected;
                closing = name.equals("CLOSING") ? value : closing;
            }
            Class<?> closeFrame = Class.forName("org.glassfish.tyrus.core.frame.CloseFrame", false, webSocket.getClassLoader());
            MethodHandle onClose = MethodHandles.publicLookup().findVirtual(webSocket, "onClose",
                    MethodType.methodType(void.class, closeFrame));
            MethodHandle newCloseFrame = MethodHandles.publicLookup().findConstructor(closeFrame,
                    MethodType.methodType(void.class, CloseReason.class));
            if (connected == null || closing == null || state.getType() != AtomicReference.class) {
                throw new NoSuchFieldException("the states CONNECTED and CLOSING");
            }
            return new Internals(found.webSocket(), found.sendRawFrame(), state, connected, closing, onClose, newCloseFrame);
        } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
            LOG.info("Tyrus without the expected internals for closing (" + notThisTyrus + "): the server closes connections at once");
            return found;
        }
    }

    /** Looked up from the container's own classes: the application's class loader may not see Tyrus. */
    private static Internals internals(Class<?> remote) {
        return INTERNALS.get(() -> findInternals(remote));
    }

    private static Internals findInternals(Class<?> remote) {
        Internals found = NONE;
        for (Class<?> c = remote; c != null; c = c.getSuperclass()) {
            if (!c.getName().equals(REMOTE_ENDPOINT)) {
                continue;
            }
            try {
                Field field = c.getDeclaredField("webSocket");
                field.setAccessible(true);
                MethodHandle send = MethodHandles.publicLookup().findVirtual(field.getType(), "sendRawFrame",
                        MethodType.methodType(Future.class, ByteBuffer.class));
                found = new Internals(field, send, null, null, null, null, null);
                found = withClosing(found, field.getType());
            } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
                LOG.info("Tyrus without the expected internals (" + notThisTyrus + "): the portable send path is used");
            }
        }
        if (found == NONE) {
            LOG.info("WebSocket container is not Tyrus 2 (" + remote.getName() + "): the portable send path is used");
        } else {
            LOG.info("Tyrus: fan-out writes pre-built frames through TyrusWebSocket.sendRawFrame");
        }
        return found;
    }

    /**
     * Writes complete frames; the {@code written} consumer gets null or the failure once the
     * container has taken them, possibly on this thread before this method returns. Throws when
     * the session is closed.
     * <p>
     * Taken means what Tyrus's own servlet writer means by it: queued in Grizzly's async write
     * queue while that queue has room ({@code canWrite}), else written to the socket. So a client
     * that reads slowly backs frames up in its {@code Connection}'s bounded queue, where the
     * hub's backpressure sees them, and one that stops reading is closed by that queue's limits.
     * <p>
     * {@code frames} came from {@link WriteBuffers#SHARED} and goes back to it once Grizzly has
     * finished writing it (never when Tyrus writes it).
     */
    void send(ByteBuffer frames) {
        send(frames, null);
    }

    /**
     * Writes one complete frame (shared by many connections: it is only read) as {@link
     * #send(ByteBuffer)} does, given to Grizzly as it is, without a {@code ByteBuffer}
     * around it: at the light fixed rates a write is mostly one frame, and that wrapper was 13 % of
     * the bytes the server allocated per delivery.
     */
    void send(byte[] frame) {
        send(null, frame);
    }

    /** {@code frames} (the pool's) or, when it is null, {@code frame} (nobody's to give back). */
    private void send(ByteBuffer frames, byte[] frame) {
        if (grizzly == null && !grizzlyMissing) {
            findGrizzly();
        }
        if (grizzly != null) {
            if (!session.isOpen()) {
                throw new IllegalStateException("session closed");
            }
            GrizzlyPath path = GrizzlyPath.FOUND.now();
            boolean room;
            long n = reports.issue();
            lent.issued(frames, frames != null);
            try {
                Object buffer = frames != null ? path.wrap().invoke(memory, frames) : path.wrapBytes().invoke(memory, frame);
                if (directWriter != null) {
                    path.directWrite().invoke(directWriter, grizzly, buffer, grizzlyDone);
                } else {
                    path.write().invoke(grizzly, buffer, grizzlyDone);
                }
                room = (boolean) path.canWrite().invoke(grizzly);
            } catch (RuntimeException | Error e) {
                lent.broken();
                throw e;
            } catch (Throwable e) {
                lent.broken();
                throw new IllegalStateException(e);
            }
            if (room) {
                reports.taken(n);
            }
            return;
        }
        Future<?> future;
        try {
            future = (Future<?>) sendRawFrame.invoke(webSocket, frames != null ? frames : ByteBuffer.wrap(frame));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        // Tyrus's future is a CompletableFuture; a plain Future would mean other internals
        if (future instanceof CompletionStage<?> stage) {
            stage.whenComplete((sent, failure) -> written.accept(failure));
        } else {
            throw new IllegalStateException("Tyrus answered a " + future.getClass().getName());
        }
    }

    private void findGrizzly() {
        Object connection;
        try {
            connection = GrizzlyPath.connection(webSocket);
        } catch (NoSuchFieldException | NoSuchMethodException e) {
            grizzlyMissing = true;
            GrizzlyPath.missing(e); // another container or version: no session has the link
            return;
        } catch (ReflectiveOperationException | RuntimeException e) {
            grizzlyMissing = true; // this session only (closed while looking, say)
            LOG.fine(() -> "No Grizzly connection for a session: " + e);
            return;
        }
        if (connection == null) {
            return; // not handed over yet: the next send looks again
        }
        GrizzlyPath path = GrizzlyPath.of(connection);
        if (path == null) {
            grizzlyMissing = true;
            return;
        }
        try {
            memory = path.memoryManager().invoke(connection);
            directWriter = path.directWriter(connection);
            grizzlyDone = path.completionHandler(this);
            grizzly = connection;
        } catch (Throwable e) {
            grizzlyMissing = true;
            LOG.fine(() -> "Grizzly write path unavailable for a session: " + e);
        }
    }

    /** Grizzly wrote the whole of its oldest unfinished write to the socket, or failed it. */
    private void grizzlyFinished(Throwable failure) {
        lent.finished(failure);
        reports.finished(failure);
    }

    /**
     * The buffers of one connection's writes inside Grizzly, oldest first: Grizzly finishes a
     * connection's writes in the order they were issued, so each finished write gives its buffer
     * back to the pool, if it came from there. Not when Grizzly reports a write taken (queued): it
     * still reads it then. After a write failed or threw, that order can no longer be trusted, and
     * nothing more is given back. Issued by the connection's one sender at a time, finished on any thread.
     * A write whose buffer is not the pool's (a single frame, most writes at the light rates) is
     * only counted: it costs no queue node, which was 15 of the bytes allocated per delivery.
     */
    static final class Lent {

        /** A pooled buffer lent to Grizzly with the {@code number}th write issued. */
        private record Pooled(long number, ByteBuffer buffer) {
        }

        private final WriteBuffers pool;
        /** The pooled buffers in Grizzly, oldest first; a write of a buffer not the pool's is only counted. */
        private final ConcurrentLinkedQueue<Pooled> inGrizzly = new ConcurrentLinkedQueue<>();
        /** Writes issued: touched by the connection's one sender at a time. */
        private long issued;
        private final AtomicLong finished = new AtomicLong();
        private volatile boolean broken;

        Lent(WriteBuffers pool) {
            this.pool = pool;
        }

        /** A write is about to be handed to Grizzly; {@code pooled}: its buffer is the pool's. */
        void issued(ByteBuffer buffer, boolean pooled) {
            long number = ++issued;
            if (pooled && !broken) {
                inGrizzly.add(new Pooled(number, buffer));
            }
        }

        /** Grizzly finished the oldest write, with {@code failure} or null. */
        void finished(Throwable failure) {
            if (failure != null) {
                broken();
            }
            if (broken) {
                return;
            }
            // writes finish in the order they were issued: as many as have been counted finished are
            // done (two completions may overlap; the one that removes a buffer gives it back)
            long done = finished.incrementAndGet();
            Pooled oldest;
            while ((oldest = inGrizzly.peek()) != null && oldest.number() <= done) {
                if (inGrizzly.remove(oldest)) {
                    pool.give(oldest.buffer());
                }
            }
        }

        /** A write failed or threw: keep every buffer still lent away from the pool. */
        void broken() {
            broken = true;
            inGrizzly.clear();
        }
    }

    /**
     * How to reach and write to the Grizzly connection under Tyrus's servlet writer; found once,
     * from the first session, {@code NOT_FOUND} when any link is missing.
     */
    private record GrizzlyPath(MethodHandle memoryManager, MethodHandle wrap, MethodHandle wrapBytes, MethodHandle write,
                               MethodHandle canWrite, Class<?> completionHandler, MethodHandle processor,
                               MethodHandle asyncWriter, MethodHandle directWrite) {

        private static final GrizzlyPath NOT_FOUND = new GrizzlyPath(null, null, null, null, null, null, null, null, null);
        private static final AtomicBoolean DIRECT_LOGGED = new AtomicBoolean();
        private static final Found<GrizzlyPath> FOUND = new Found<>();

        /**
         * The Grizzly connection under a Tyrus servlet web socket; null while the servlet
         * container has not handed the upgraded connection to Tyrus yet. Throws
         * {@code NoSuchFieldException} or {@code NoSuchMethodException} when a link of the chain
         * is not there (another container or version).
         */
        static Object connection(Object webSocket) throws ReflectiveOperationException {
            Object protocol = field(webSocket.getClass(), "protocolHandler").get(webSocket);
            Object writer = field(protocol.getClass(), "writer").get(protocol);
            Object handler = field(writer.getClass(), "tyrusHttpUpgradeHandler").get(writer);
            // a method, not the field: Tyrus may hand the writer a proxy of the handler
            Object webConnection = method(handler.getClass(), "getWebConnection").invoke(handler);
            if (webConnection == null) {
                return null;
            }
            Object request = field(webConnection.getClass(), "request").get(webConnection);
            Object coyote = request.getClass().getMethod("getCoyoteRequest").invoke(request);
            return coyote.getClass().getMethod("getConnection").invoke(coyote);
        }

        static void missing(Exception e) {
            if (FOUND.setIfAbsent(NOT_FOUND)) {
                LOG.info("No Grizzly connection under Tyrus's writer (" + e + "): frames go through Tyrus's writer");
            }
        }

        static GrizzlyPath of(Object connection) {
            GrizzlyPath path = FOUND.get(() -> find(connection));
            return path.write() == null || !path.write().type().parameterType(0).isInstance(connection) ? null : path;
        }

        private static GrizzlyPath find(Object connection) {
            GrizzlyPath path = NOT_FOUND;
            try {
                ClassLoader loader = connection.getClass().getClassLoader();
                Class<?> grizzlyConnection = Class.forName("org.glassfish.grizzly.Connection", false, loader);
                Class<?> buffer = Class.forName("org.glassfish.grizzly.Buffer", false, loader);
                Class<?> manager = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, loader);
                Class<?> buffers = Class.forName("org.glassfish.grizzly.memory.Buffers", false, loader);
                Class<?> handler = Class.forName("org.glassfish.grizzly.CompletionHandler", false, loader);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> transport = Class.forName("org.glassfish.grizzly.Transport", false, loader);
                Class<?> queued = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueEnabledTransport", false, loader);
                Class<?> queueIo = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueIO", false, loader);
                Class<?> queueWriter = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueWriter", false, loader);
                Class<?> writer = Class.forName("org.glassfish.grizzly.Writer", false, loader);
                Class<?> message = Class.forName("org.glassfish.grizzly.asyncqueue.WritableMessage", false, loader);
                Class<?> processor = Class.forName("org.glassfish.grizzly.Processor", false, loader);
                MethodType object = MethodType.methodType(Object.class, Object.class);
                // connection.getTransport().getAsyncQueueIO().getWriter(): where TransportFilter puts a write
                MethodHandle asyncWriter = MethodHandles.filterReturnValue(MethodHandles.filterReturnValue(
                        lookup.findVirtual(grizzlyConnection, "getTransport", MethodType.methodType(transport)).asType(object),
                        lookup.findVirtual(queued, "getAsyncQueueIO", MethodType.methodType(queueIo)).asType(object)),
                        lookup.findVirtual(queueIo, "getWriter", MethodType.methodType(queueWriter)).asType(object));
                path = new GrizzlyPath(lookup.findVirtual(grizzlyConnection, "getMemoryManager", MethodType.methodType(manager)),
                        lookup.findStatic(buffers, "wrap", MethodType.methodType(buffer, manager, ByteBuffer.class)),
                        lookup.findStatic(buffers, "wrap", MethodType.methodType(buffer, manager, byte[].class)),
                        lookup.findVirtual(grizzlyConnection, "write",
                                MethodType.methodType(void.class, Object.class, handler)),
                        lookup.findVirtual(grizzlyConnection, "canWrite", MethodType.methodType(boolean.class)),
                        handler,
                        lookup.findVirtual(grizzlyConnection, "getProcessor", MethodType.methodType(processor)).asType(object),
                        asyncWriter,
                        lookup.findVirtual(writer, "write", MethodType.methodType(void.class, grizzlyConnection, message, handler)));
                LOG.info("Grizzly: fan-out writes pre-built frames to the upgraded connection");
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.info("Grizzly without the expected API (" + e + "): frames go through Tyrus's writer");
            }
            return path;
        }

        /**
         * The async write queue of the connection's transport, where its filter chain would put
         * a buffer written, when every filter of the chain passes a buffer on unchanged (see
         * {@link #PASS_THROUGH}); else null, and writes go through the chain. Skipping the chain
         * saved a fifth of the server's CPU per delivery at 1000 subscribers x 20 events/s.
         */
        Object directWriter(Object connection) {
            try {
                if (!(processor.invoke(connection) instanceof List<?> chain)) {
                    return null;
                }
                List<String> filters = chain.stream().map(f -> f.getClass().getName()).toList();
                boolean direct = passThrough(filters);
                if (DIRECT_LOGGED.compareAndSet(false, true)) {
                    LOG.info(direct ? "Grizzly: frames go straight to the connection's async write queue (its filters "
                            + filters + " pass a buffer written on unchanged)"
                            : "Grizzly: frames go through the connection's filter chain " + filters);
                }
                return direct ? asyncWriter.invoke(connection) : null;
            } catch (Throwable e) {
                LOG.fine(() -> "Grizzly's async write queue not reached, writes go through the filter chain: " + e);
                return null;
            }
        }

        /** A Grizzly {@code CompletionHandler} that reports to {@code frames}; one per connection. */
        Object completionHandler(TyrusFrames frames) {
            return Proxy.newProxyInstance(completionHandler.getClassLoader(), new Class<?>[]{completionHandler},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "completed" -> frames.grizzlyFinished(null);
                            case "failed" -> frames.grizzlyFinished((Throwable) args[0]);
                            case "cancelled" -> frames.grizzlyFinished(new CancellationException());
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            case "toString" -> {
                                return "livehub write handler";
                            }
                            default -> { // updated: part of the write done
                            }
                        }
                        return null;
                    });
        }

        private static Method method(Class<?> type, String name) throws NoSuchFieldException {
            return declared(type, name + "()", c -> c.getDeclaredMethod(name));
        }

        static Field field(Class<?> type, String name) throws NoSuchFieldException {
            return declared(type, name, c -> c.getDeclaredField(name));
        }

        /** A member declared by {@code type} or a superclass, made accessible; NoSuchFieldException when none. */
        private static <T extends AccessibleObject> T declared(Class<?> type, String name, Member<T> member)
                throws NoSuchFieldException {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    T m = member.in(c);
                    m.setAccessible(true);
                    return m;
                } catch (NoSuchFieldException | NoSuchMethodException up) {
                    // look in the superclass
                }
            }
            throw new NoSuchFieldException(type.getName() + "." + name);
        }

        @FunctionalInterface
        private interface Member<T> {
            T in(Class<?> c) throws NoSuchFieldException, NoSuchMethodException;
        }
    }
}
