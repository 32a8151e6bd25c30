package io.livehub.live.control;

import jakarta.websocket.Session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The one place that knows Tyrus (Payara's WebSocket implementation) from the inside: it hands
 * pre-built frames to a session's {@code TyrusWebSocket.sendRawFrame}, the path Tyrus's own
 * broadcast takes. That skips what Tyrus 2.1 does on every {@code RemoteEndpoint} send
 * (scheduling an idle-timeout task on Payara's managed scheduler, which costs about half the CPU
 * of a fan-out, see STACK.md) and lets a connection write several queued frames at once.
 * <p>
 * It also gives the session a scheduler that drops Tyrus's idle-timeout task when no idle
 * timeout is set (the task then does nothing, but scheduling it is what costs): Tyrus schedules
 * one for every message received, and each pong a client sends is one.
 * <p>
 * Reached by reflection, so the WAR neither compiles nor links against Tyrus: on another
 * container (WildFly's Undertow), on a Tyrus without these members, or on a session that
 * negotiated an extension (whose frames Tyrus would transform), {@link #of} answers null and the
 * connection uses the portable {@code RemoteEndpoint.Async}.
 */
final class TyrusFrames {

    private static final Logger LOG = Logger.getLogger(TyrusFrames.class.getName());
    private static final String REMOTE_ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String IDLE_TIMEOUT_TASK = "org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand";

    /** {@code TyrusRemoteEndpoint.webSocket} and {@code TyrusWebSocket.sendRawFrame(ByteBuffer)}, found once. */
    private record Internals(Field webSocket, MethodHandle sendRawFrame) {
    }

    private static final Internals NONE = new Internals(null, null);
    private static volatile Internals internals;

    private final Object webSocket;
    private final MethodHandle sendRawFrame;

    private TyrusFrames(Object webSocket, MethodHandle sendRawFrame) {
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
    }

    /** Pre-built frames for this session, or null when the portable path must be used. */
    static TyrusFrames of(Session session) {
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
            return new TyrusFrames(webSocket, found.sendRawFrame());
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
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

    /** Looked up from the container's own classes: the application's class loader may not see Tyrus. */
    private static Internals internals(Class<?> remote) {
        Internals found = internals;
        if (found != null) {
            return found;
        }
        found = NONE;
        for (Class<?> c = remote; c != null; c = c.getSuperclass()) {
            if (!c.getName().equals(REMOTE_ENDPOINT)) {
                continue;
            }
            try {
                Field field = c.getDeclaredField("webSocket");
                field.setAccessible(true);
                MethodHandle send = MethodHandles.publicLookup().findVirtual(field.getType(), "sendRawFrame",
                        MethodType.methodType(Future.class, ByteBuffer.class));
                found = new Internals(field, send);
            } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
                LOG.info("Tyrus without the expected internals (" + notThisTyrus + "): the portable send path is used");
            }
        }
        if (found == NONE) {
            LOG.info("WebSocket container is not Tyrus 2 (" + remote.getName() + "): the portable send path is used");
        } else {
            LOG.info("Tyrus: fan-out writes pre-built frames through TyrusWebSocket.sendRawFrame");
        }
        internals = found;
        return found;
    }

    /**
     * Writes complete frames; {@code done} gets null or the failure once the container has taken
     * them, possibly on this thread before this method returns. Throws when the session is closed.
     */
    void send(ByteBuffer frames, Consumer<Throwable> done) {
        Future<?> written;
        try {
            written = (Future<?>) sendRawFrame.invoke(webSocket, frames);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        // Tyrus's future is a CompletableFuture; a plain Future would mean other internals
        if (written instanceof CompletionStage<?> stage) {
            stage.whenComplete((frame, failure) -> done.accept(failure));
        } else {
            throw new IllegalStateException("Tyrus answered a " + written.getClass().getName());
        }
    }
}
